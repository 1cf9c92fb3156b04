import { useEffect, useState } from 'react';
import type { ComplaintView, DeadlineKey } from '../api/types';
import { ACTION_FORMS } from '../components/ActionForms';
import { AttachmentsPanel } from '../components/Attachments';
import { Timeline } from '../components/Timeline';
import { ComplainantNotices } from '../components/ComplainantNotices';
import { Card, DateTime, ErrorBanner, Notice, Spinner, StatusBadge, TimeLeft } from '../components/ui';
import { useI18n, type MsgKey } from '../i18n/i18n';
import { allowedActions, ESCALATION_CHAIN, type Action } from '../lib/permissions';
import { useComplaint } from '../lib/useComplaint';
import { Link, useRouter } from '../router';

const DEADLINE_ORDER: DeadlineKey[] = ['firstReply', 'secondReply', 'plan', 'resolve', 'followUp', 'callback'];

/** The pending deadlines with the time left; `at` counts from a past moment instead of now (audit's state-as-of). */
export const Deadlines = ({ view, at }: { view: ComplaintView; at?: number }) => {
  const { t, l } = useI18n();
  const [clock, setClock] = useState(Date.now());
  useEffect(() => {
    if (at !== undefined) return;
    const timer = setInterval(() => setClock(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [at]);
  const now = at ?? clock;
  const rows = DEADLINE_ORDER.filter((k) => view.deadlines?.[k]).map((k) => ({ key: k, at: view.deadlines[k] as string }));
  if (rows.length === 0) return <p className="empty">{t('detail.deadlines.none')}</p>;
  return (
    <>
      <ul className="deadlines" data-testid="deadlines">
        {rows.map((r) => {
          const overdue = view.overdue?.includes(r.key) || new Date(r.at).getTime() <= now;
          return (
            <li key={r.key} className={overdue ? 'deadline overdue' : 'deadline'}>
              <span className="deadline-name">{l('deadline', r.key)}</span>
              <span className="deadline-due">
                <DateTime iso={r.at} />
              </span>
              <TimeLeft due={r.at} now={now} />
            </li>
          );
        })}
      </ul>
      <p className="muted small">{t('detail.deadlines.hint')}</p>
    </>
  );
};

/** What an erased personal value reads as in the API. */
const ERASED = '[erased]';

export const Facts = ({ view }: { view: ComplaintView }) => {
  const { t, l, site } = useI18n();
  const c = view.complainant;
  const shown = (value?: string) => (value === ERASED ? t('complaint.erased') : (value ?? '—'));
  const level = view.escalationLevel;
  return (
    <dl className="facts" data-testid="facts">
      <dt>{t('complaint.site')}</dt>
      <dd>{site(view.siteId)}</dd>
      <dt>{t('complaint.channel')}</dt>
      <dd>{l('channel', view.channel)}</dd>
      <dt>{t('complaint.receivedAt')}</dt>
      <dd>
        <DateTime iso={view.receivedAt} />
      </dd>
      <dt>{t('complaint.complainant')}</dt>
      <dd>{c.anonymous ? t('complaint.anonymous') : shown(c.name)}</dd>
      <dt>{t('complaint.phone')}</dt>
      <dd>{shown(c.phone)}</dd>
      {c.email !== undefined && (
        <>
          <dt>{t('complaint.email')}</dt>
          <dd>{shown(c.email)}</dd>
        </>
      )}
      <dt>{t('complaint.address')}</dt>
      <dd>{[c.building, c.unit].filter(Boolean).join(' / ') || '—'}</dd>
      <dt>{t('complaint.nature')}</dt>
      <dd>{l('nature', view.nature)}</dd>
      <dt>{t('complaint.severity')}</dt>
      <dd>{l('severity', view.severity)}</dd>
      <dt>{t('complaint.urgency')}</dt>
      <dd>{l('urgency', view.urgency)}</dd>
      <dt>{t('complaint.category')}</dt>
      <dd>{l('category', view.category)}</dd>
      <dt>{t('complaint.department')}</dt>
      <dd>{l('department', view.department)}</dd>
      <dt>{t('complaint.assignee')}</dt>
      <dd>{view.assignee ?? '—'}</dd>
      <dt>{t('complaint.escalationLevel')}</dt>
      <dd>{t('complaint.level', { n: level, role: l('role', ESCALATION_CHAIN[level] ?? '') })}</dd>
      <dt>{t('complaint.reopenCount')}</dt>
      <dd>{view.reopenCount}</dd>
      <dt>{t('complaint.satisfaction')}</dt>
      <dd>{view.satisfaction ? `${view.satisfaction} · ${l('satisfaction', String(view.satisfaction))}` : '—'}</dd>
      <dt>{t('complaint.closedAt')}</dt>
      <dd>
        <DateTime iso={view.closedAt} />
      </dd>
      {view.major && (
        <>
          <dt>{t('complaint.majorReasons')}</dt>
          <dd>{(view.majorReasons ?? []).map((r) => l('majorReason', r)).join('、') || '—'}</dd>
        </>
      )}
      {view.repeatOf && (
        <>
          <dt>{t('complaint.repeatOf')}</dt>
          <dd>
            <Link to={`/complaints/${view.repeatOf}`}>{view.repeatOf.slice(0, 8)}…</Link>
          </dd>
        </>
      )}
      {view.policyVersion && (
        <>
          <dt>{t('complaint.policyVersion')}</dt>
          <dd className="small">
            <code>{view.policyVersion}</code>
          </dd>
        </>
      )}
    </dl>
  );
};

const ACTION_LABEL: Record<Action, MsgKey> = {
  triage: 'action.triage',
  refer: 'action.refer',
  reply: 'action.reply',
  plan: 'action.plan',
  resolve: 'action.resolve',
  escalate: 'action.escalate',
  reassign: 'action.reassign',
  markMajor: 'action.markMajor',
  compensate: 'action.compensate',
  outreach: 'action.outreach',
  callback: 'action.callback',
  exempt: 'action.exempt',
  correct: 'action.correct',
  archive: 'action.archive',
  erase: 'action.erase',
};

export const ComplaintPage = ({ id }: { id: string }) => {
  const { t } = useI18n();
  const { search } = useRouter();
  const { view, events, error, loading, syncing, reload, waitForChange } = useComplaint(id);
  const [open, setOpen] = useState<Action | null>(null);
  // Kept as keys, so the notice follows a language switch.
  const [notice, setNotice] = useState<{ kind: 'success' | 'warn'; key: MsgKey; number?: string; action?: Action; files?: string } | null>(null);
  const params = new URLSearchParams(search);

  useEffect(() => {
    const registered = params.get('registered');
    const done = params.get('done');
    if (registered) setNotice({ kind: 'success', key: 'register.done', number: registered });
    else if (done && done in ACTION_LABEL) setNotice({ kind: 'success', key: 'detail.done', action: done as Action });
    // Only when the complaint changes: the notice is read once from the URL it arrived with.
  }, [id]);

  if (loading && !view) return <Spinner label={t('complaint.notFoundYet')} />;
  if (!view) return <ErrorBanner error={error} onRetry={reload} />;

  // What the server says this user may do now (the domain's policy), in its order.
  const actions = allowedActions(view);

  const onDone = async (action: Action, refusedFiles?: string[]) => {
    setOpen(null);
    setNotice({ kind: 'success', key: 'detail.waiting' });
    const settled = await waitForChange(view.version);
    // The action went through but some of its attachments did not: say which, and why.
    if (refusedFiles?.length) setNotice({ kind: 'warn', key: 'attach.uploadFailed', files: refusedFiles.join('；') });
    else setNotice(settled ? { kind: 'success', key: 'detail.done', action } : { kind: 'warn', key: 'detail.notSettled' });
  };

  const Form = open ? ACTION_FORMS[open] : undefined;

  return (
    <div className="page" data-testid="complaint-detail" data-status={view.status} data-version={view.version}>
      <div className="page-head">
        <div>
          <div className="summary-head">
            <span className="number">{view.number}</span>
            <StatusBadge status={view.status} />
            {view.major && <span className="badge badge-major">{t('complaint.major')}</span>}
            {view.collective && <span className="badge badge-major">{t('complaint.collective')}</span>}
            {view.overdue?.length > 0 && <span className="badge badge-overdue">{t('complaint.overdue')}</span>}
            {view.archived && <span className="badge">{t('complaint.archived')}</span>}
          </div>
          <h1 className="detail-title">{view.title}</h1>
        </div>
        <div className="head-actions">
          <button type="button" className="btn" onClick={reload} disabled={loading || syncing}>
            {t('common.refresh')}
          </button>
          <Link to={`/complaints/${id}/audit`} className="btn">
            {t('detail.audit')}
          </Link>
        </div>
      </div>
      {notice && (
        <Notice kind={notice.kind}>
          <span data-testid="action-notice">{t(notice.key, { number: notice.number ?? '', action: notice.action ? t(ACTION_LABEL[notice.action]) : '', files: notice.files ?? '' })}</span>
        </Notice>
      )}
      {syncing && <Spinner label={t('detail.waiting')} />}
      <div className="two-col">
        <div className="col-main">
          <Card title={t('complaint.description')} className="o-1">
            <p className="description">{view.description}</p>
          </Card>
          <Card title={t('detail.actions')} testId="actions" className="o-3">
            {view.status === 'closed' && actions.length === 0 ? (
              <p className="empty">{t('detail.actions.closed')}</p>
            ) : actions.length === 0 ? (
              <p className="empty">{t('detail.actions.none')}</p>
            ) : (
              <div className="action-buttons">
                {actions.map((a) =>
                  a === 'triage' || a === 'refer' ? (
                    <Link key={a} to={`/complaints/${id}/triage`} className="btn btn-primary" data-testid={`action-${a}`}>
                      {t(ACTION_LABEL[a])}
                    </Link>
                  ) : (
                    <button
                      key={a}
                      type="button"
                      className={`btn ${open === a ? 'btn-primary' : ''}`}
                      aria-expanded={open === a}
                      onClick={() => setOpen(open === a ? null : a)}
                      data-testid={`action-${a}`}
                      disabled={syncing}
                    >
                      {t(ACTION_LABEL[a])}
                    </button>
                  ),
                )}
              </div>
            )}
            {Form && open && <Form key={`${open}-${view.version}`} view={view} onDone={onDone} onCancel={() => setOpen(null)} />}
          </Card>
          <Card title={t('attach.title')} testId="attachments" className="o-4">
            <AttachmentsPanel complaintId={id} version={view.version} />
          </Card>
          <Card title={t('detail.timeline')} className="o-4">{events ? <Timeline events={events} /> : <Spinner />}</Card>
        </div>
        <aside className="col-side">
          <Card title={t('detail.deadlines')} className="o-2">
            <Deadlines view={view} />
          </Card>
          <Card title={t('detail.facts')} className="o-5">
            <Facts view={view} />
          </Card>
          <Card title={t('notices.title')} className="o-6">
            <ComplainantNotices complaintId={id} tick={view.version} />
          </Card>
        </aside>
      </div>
    </div>
  );
};
