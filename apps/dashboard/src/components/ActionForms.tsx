import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api/client';
import type { ComplaintView } from '../api/types';
import { useI18n } from '../i18n/i18n';
import type { MsgKey } from '../i18n/messages';
import { CALLBACK_METHODS, CHANNELS, CORRECTABLE_FIELDS, DEPARTMENTS, EXEMPTION_REASONS, MAJOR_REASONS, OUTREACH_KINDS } from '../i18n/labels';
import { replyKinds, type Action } from '../lib/permissions';
import {
  callbackBody,
  hasProblems,
  replyBody,
  validateArchive,
  validateCallback,
  validateCompensation,
  validateCorrection,
  validateMarkMajor,
  validateOutreach,
  validatePlan,
  validateReason,
  validateReassign,
  validateReply,
  validateResolve,
  localToOffsetIso,
  correctionBody,
  type CallbackForm as CallbackFormState,
  type CorrectionForm as CorrectionFormState,
  type Problems,
  type ReplyForm as ReplyFormState,
  type ResolveForm as ResolveFormState,
} from '../lib/validation';
import { ErrorBanner, Field, useFormErrors } from './ui';
import { PhotoPicker, uploadFiles } from './Attachments';

/** `refusedFiles`: attachments sent with the action that the server refused (the action itself was accepted). */
type FormProps = { view: ComplaintView; onDone: (action: Action, refusedFiles?: string[]) => void; onCancel: () => void };

/** Submits one action: checks first, then POSTs, and keeps the API's error for the fields. */
const useAction = (view: ComplaintView, action: Action, path: string, onDone: (a: Action, refusedFiles?: string[]) => void) => {
  const errors = useFormErrors();
  const [busy, setBusy] = useState(false);
  /** `after`: what follows once the write is accepted (e.g. the resolution's photos), before the form closes. */
  const run = async (problems: Problems, body: () => Record<string, unknown>, after?: () => Promise<string[]>) => {
    errors.setProblems(problems);
    errors.setApiError(null);
    if (hasProblems(problems)) return;
    setBusy(true);
    try {
      await api.act(view.id, path, body());
      const refused = (await after?.()) ?? [];
      onDone(action, refused.length > 0 ? refused : undefined);
    } catch (error) {
      errors.setApiError(error);
    } finally {
      setBusy(false);
    }
  };
  return { ...errors, busy, run };
};

const Buttons = ({ busy, onCancel, label, testId }: { busy: boolean; onCancel: () => void; label: string; testId: string }) => {
  const { t } = useI18n();
  return (
    <div className="form-actions">
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid={testId}>
        {busy ? t('common.loading') : label}
      </button>
      <button type="button" className="btn" onClick={onCancel} disabled={busy}>
        {t('common.cancel')}
      </button>
    </div>
  );
};

/** Editing a field clears its messages (inputs carry the API's field names). */
const Shell = ({ title, onSubmit, children, testId, clear }: { title: string; onSubmit: (e: FormEvent) => void; children: ReactNode; testId: string; clear: (...fields: string[]) => void }) => (
  <form
    className="form action-form"
    onSubmit={onSubmit}
    onChange={(e) => {
      const name = (e.target as unknown as HTMLInputElement).name;
      if (name) clear(name, ...(name === 'reached' ? ['satisfaction'] : []));
    }}
    noValidate
    data-testid={testId}
    aria-label={title}
  >
    <h3>{title}</h3>
    {children}
  </form>
);

export const ReplyForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t, l } = useI18n();
  const kinds = replyKinds(view);
  const [f, setF] = useState<ReplyFormState>({ kind: kinds[0] ?? 'progress', message: '', resolvedOnSpot: false, nextReplyDueAt: '' });
  const a = useAction(view, 'reply', 'replies', onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(validateReply(f), () => replyBody(f));
  };
  return (
    <Shell title={t('action.reply')} onSubmit={submit} testId="form-reply" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['kind', 'message', 'resolvedOnSpot', 'nextReplyDueAt']} />
      <Field label={t('reply.kind')} problem={a.problems.kind} serverProblems={a.server('kind')} required>
        <div className="segmented" role="radiogroup" aria-label={t('reply.kind')}>
          {kinds.map((k) => (
            <label key={k} className={f.kind === k ? 'on' : ''}>
              <input type="radio" name="kind" value={k} checked={f.kind === k} onChange={() => setF({ ...f, kind: k, resolvedOnSpot: k === 'first' ? f.resolvedOnSpot : false })} />
              {l('replyKind', k)}
            </label>
          ))}
        </div>
      </Field>
      <Field label={t('reply.message')} htmlFor="reply-message" problem={a.problems.message} serverProblems={a.server('message')} required>
        <textarea id="reply-message" name="message" rows={3} value={f.message} onChange={(e) => setF({ ...f, message: e.target.value })} />
      </Field>
      {f.kind === 'first' && (
        <div className="field checkbox-field">
          <label>
            <input type="checkbox" name="resolvedOnSpot" checked={f.resolvedOnSpot} onChange={(e) => setF({ ...f, resolvedOnSpot: e.target.checked })} /> {t('reply.resolvedOnSpot')}
          </label>
          {a.server('resolvedOnSpot').map((m, i) => (
            <div key={i} className="field-error">
              {m}
            </div>
          ))}
        </div>
      )}
      {!(f.kind === 'first' && f.resolvedOnSpot) && (
        <Field label={t('reply.nextReplyDueAt')} htmlFor="reply-next" problem={a.problems.nextReplyDueAt} serverProblems={a.server('nextReplyDueAt')}>
          <input id="reply-next" name="nextReplyDueAt" type="datetime-local" value={f.nextReplyDueAt} onChange={(e) => setF({ ...f, nextReplyDueAt: e.target.value })} />
        </Field>
      )}
      <Buttons busy={a.busy} onCancel={onCancel} label={t('common.submit')} testId="reply-submit" />
    </Shell>
  );
};

export const PlanForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t } = useI18n();
  const [f, setF] = useState({ measures: '', dueAt: '' });
  const a = useAction(view, 'plan', 'plan', onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(validatePlan(f), () => ({ measures: f.measures.trim(), dueAt: localToOffsetIso(f.dueAt) }));
  };
  return (
    <Shell title={t('action.plan')} onSubmit={submit} testId="form-plan" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['measures', 'dueAt']} />
      <Field label={t('plan.measures')} htmlFor="plan-measures" problem={a.problems.measures} serverProblems={a.server('measures')} required>
        <textarea id="plan-measures" name="measures" rows={3} value={f.measures} onChange={(e) => setF({ ...f, measures: e.target.value })} />
      </Field>
      <Field label={t('plan.dueAt')} htmlFor="plan-due" problem={a.problems.dueAt} serverProblems={a.server('dueAt')} required>
        <input id="plan-due" name="dueAt" type="datetime-local" value={f.dueAt} onChange={(e) => setF({ ...f, dueAt: e.target.value })} />
      </Field>
      <Buttons busy={a.busy} onCancel={onCancel} label={t('common.submit')} testId="plan-submit" />
    </Shell>
  );
};

export const ResolveForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t, l } = useI18n();
  const [f, setF] = useState<ResolveFormState>({ resolution: '', rootCause: '', responsibleDepartment: view.department ?? '', correctiveActions: '', preventiveActions: '' });
  const a = useAction(view, 'resolve', 'resolve', onDone);
  // The after-photos (完工照片) go with the resolution, as `resolution` attachments.
  const [photos, setPhotos] = useState<File[]>([]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const opt = (v: string) => (v.trim() ? v.trim() : undefined);
    void a.run(
      validateResolve(f),
      () => ({
        resolution: f.resolution.trim(),
        rootCause: opt(f.rootCause),
        responsibleDepartment: opt(f.responsibleDepartment),
        correctiveActions: opt(f.correctiveActions),
        preventiveActions: opt(f.preventiveActions),
      }),
      () => uploadFiles(view.id, photos, 'resolution'),
    );
  };
  return (
    <Shell title={t('action.resolve')} onSubmit={submit} testId="form-resolve" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['resolution', 'rootCause', 'responsibleDepartment', 'correctiveActions', 'preventiveActions']} />
      <Field label={t('resolve.resolution')} htmlFor="resolve-resolution" problem={a.problems.resolution} serverProblems={a.server('resolution')} required>
        <textarea id="resolve-resolution" name="resolution" rows={3} value={f.resolution} onChange={(e) => setF({ ...f, resolution: e.target.value })} />
      </Field>
      <div className="grid-2">
        <Field label={t('resolve.rootCause')} htmlFor="resolve-root" problem={a.problems.rootCause} serverProblems={a.server('rootCause')}>
          <input id="resolve-root" name="rootCause" value={f.rootCause} onChange={(e) => setF({ ...f, rootCause: e.target.value })} />
        </Field>
        <Field label={t('resolve.responsibleDepartment')} htmlFor="resolve-dept" serverProblems={a.server('responsibleDepartment')}>
          <select id="resolve-dept" name="responsibleDepartment" value={f.responsibleDepartment} onChange={(e) => setF({ ...f, responsibleDepartment: e.target.value })}>
            <option value="">{t('common.choose')}</option>
            {DEPARTMENTS.map((d) => (
              <option key={d} value={d}>
                {l('department', d)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('resolve.correctiveActions')} htmlFor="resolve-corrective" problem={a.problems.correctiveActions} serverProblems={a.server('correctiveActions')}>
          <textarea id="resolve-corrective" name="correctiveActions" rows={2} value={f.correctiveActions} onChange={(e) => setF({ ...f, correctiveActions: e.target.value })} />
        </Field>
        <Field label={t('resolve.preventiveActions')} htmlFor="resolve-preventive" problem={a.problems.preventiveActions} serverProblems={a.server('preventiveActions')}>
          <textarea id="resolve-preventive" name="preventiveActions" rows={2} value={f.preventiveActions} onChange={(e) => setF({ ...f, preventiveActions: e.target.value })} />
        </Field>
      </div>
      <PhotoPicker id="resolve-photos" files={photos} onChange={setPhotos} />
      <Buttons busy={a.busy} onCancel={onCancel} label={t('common.submit')} testId="resolve-submit" />
    </Shell>
  );
};

/** A form whose only field is the reason (escalate, erase): one shape, its own texts and path. */
const reasonForm =
  ({ action, path, warning }: { action: 'escalate' | 'erase'; path: string; warning?: MsgKey }) =>
  ({ view, onDone, onCancel }: FormProps) => {
    const { t } = useI18n();
    const [reason, setReason] = useState('');
    const a = useAction(view, action, path, onDone);
    const submit = (e: FormEvent) => {
      e.preventDefault();
      void a.run(validateReason(reason), () => ({ reason: reason.trim() }));
    };
    return (
      <Shell title={t(`action.${action}`)} onSubmit={submit} testId={`form-${action}`} clear={a.clear}>
        <ErrorBanner error={a.apiError} shownFields={['reason']} />
        {warning && <p className="small">{t(warning)}</p>}
        <Field label={t(`${action}.reason`)} htmlFor={`${action}-reason`} problem={a.problems.reason} serverProblems={a.server('reason')} required>
          <textarea id={`${action}-reason`} name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <Buttons busy={a.busy} onCancel={onCancel} label={t(`action.${action}`)} testId={`${action}-submit`} />
      </Shell>
    );
  };

export const EscalateForm = reasonForm({ action: 'escalate', path: 'escalate' });

export const ReassignForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t, l } = useI18n();
  const [f, setF] = useState({ department: '', assignee: '', reason: '' });
  const a = useAction(view, 'reassign', 'reassign', onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(validateReassign(f, view), () => ({ department: f.department, ...(f.assignee.trim() ? { assignee: f.assignee.trim() } : {}), reason: f.reason.trim() }));
  };
  return (
    <Shell title={t('action.reassign')} onSubmit={submit} testId="form-reassign" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['department', 'assignee', 'reason']} />
      <div className="grid-2">
        <Field label={t('reassign.department')} htmlFor="reassign-dept" problem={a.problems.department} serverProblems={a.server('department')} required>
          <select id="reassign-dept" name="department" value={f.department} onChange={(e) => setF({ ...f, department: e.target.value })}>
            <option value="">{t('common.choose')}</option>
            {DEPARTMENTS.map((d) => (
              <option key={d} value={d}>
                {l('department', d)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('reassign.assignee')} htmlFor="reassign-assignee" problem={a.problems.assignee} serverProblems={a.server('assignee')}>
          <input id="reassign-assignee" name="assignee" value={f.assignee} onChange={(e) => setF({ ...f, assignee: e.target.value })} />
        </Field>
      </div>
      <Field label={t('reassign.reason')} htmlFor="reassign-reason" problem={a.problems.reason} serverProblems={a.server('reason')} required>
        <textarea id="reassign-reason" name="reason" rows={2} value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })} />
      </Field>
      <Buttons busy={a.busy} onCancel={onCancel} label={t('action.reassign')} testId="reassign-submit" />
    </Shell>
  );
};

export const CallbackForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t, l } = useI18n();
  const [f, setF] = useState<CallbackFormState>({ method: view.major ? 'visit' : 'phone', reached: true, satisfaction: '', comment: '' });
  const a = useAction(view, 'callback', 'callbacks', onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(validateCallback(f, view.major), () => callbackBody(f));
  };
  return (
    <Shell title={t('action.callback')} onSubmit={submit} testId="form-callback" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['method', 'reached', 'satisfaction', 'comment']} />
      {view.major && <p className="notice notice-warn">{t('callback.majorHint')}</p>}
      <div className="grid-2">
        <Field label={t('callback.method')} htmlFor="callback-method" problem={a.problems.method} serverProblems={a.server('method')} required>
          <select id="callback-method" name="method" value={f.method} onChange={(e) => setF({ ...f, method: e.target.value })}>
            {CALLBACK_METHODS.map((m) => (
              <option key={m} value={m}>
                {l('callbackMethod', m)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('callback.reached')} serverProblems={a.server('reached')}>
          <label className="checkbox-inline">
            <input type="checkbox" name="reached" checked={f.reached} onChange={(e) => setF({ ...f, reached: e.target.checked, satisfaction: e.target.checked ? f.satisfaction : '' })} data-testid="callback-reached" />
            {t('callback.reached')}
          </label>
        </Field>
      </div>
      {f.reached && (
        <Field label={t('callback.satisfaction')} problem={a.problems.satisfaction} serverProblems={a.server('satisfaction')} hint={t('callback.satisfaction.hint')} required>
          <div className="scale" role="radiogroup" aria-label={t('callback.satisfaction')}>
            {['1', '2', '3', '4', '5'].map((n) => (
              <label key={n} className={`scale-item scale-${n} ${f.satisfaction === n ? 'on' : ''}`} data-testid={`satisfaction-${n}`}>
                <input type="radio" name="satisfaction" value={n} checked={f.satisfaction === n} onChange={() => setF({ ...f, satisfaction: n })} />
                <span className="scale-n">{n}</span>
                <span className="scale-label">{l('satisfaction', n)}</span>
              </label>
            ))}
          </div>
        </Field>
      )}
      <Field label={t('callback.comment')} htmlFor="callback-comment" problem={a.problems.comment} serverProblems={a.server('comment')}>
        <textarea id="callback-comment" name="comment" rows={2} value={f.comment} onChange={(e) => setF({ ...f, comment: e.target.value })} />
      </Field>
      <Buttons busy={a.busy} onCancel={onCancel} label={t('common.submit')} testId="callback-submit" />
    </Shell>
  );
};

export const ExemptForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t, l } = useI18n();
  const [f, setF] = useState({ reason: '', note: '' });
  const a = useAction(view, 'exempt', 'callback-exemption', onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p: Problems = {};
    if (!f.reason) p.reason = { key: 'validation.required' };
    void a.run(p, () => ({ reason: f.reason, ...(f.note.trim() ? { note: f.note.trim() } : {}) }));
  };
  return (
    <Shell title={t('action.exempt')} onSubmit={submit} testId="form-exempt" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['reason', 'note']} />
      <Field label={t('exempt.reason')} htmlFor="exempt-reason" problem={a.problems.reason} serverProblems={a.server('reason')} required>
        <select id="exempt-reason" name="reason" value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })}>
          <option value="">{t('common.choose')}</option>
          {EXEMPTION_REASONS.map((r) => (
            <option key={r} value={r}>
              {l('exemptionReason', r)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('exempt.note')} htmlFor="exempt-note" serverProblems={a.server('note')}>
        <input id="exempt-note" name="note" value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />
      </Field>
      <Buttons busy={a.busy} onCancel={onCancel} label={t('common.submit')} testId="exempt-submit" />
    </Shell>
  );
};

/** Administrators: erase the complainant's name and phone for good (the key is destroyed). */
export const EraseForm = reasonForm({ action: 'erase', path: 'personal-data/erasure', warning: 'erase.warning' });

/** Marks the complaint major by hand (litigation, media, …): it goes to the general manager at once. */
export const MarkMajorForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t, l } = useI18n();
  const [f, setF] = useState<{ reasons: string[]; note: string }>({ reasons: [], note: '' });
  const a = useAction(view, 'markMajor', 'major', onDone);
  const recorded = view.majorReasons ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(validateMarkMajor(f), () => ({ reasons: f.reasons, ...(f.note.trim() ? { note: f.note.trim() } : {}) }));
  };
  const toggle = (r: string) => setF({ ...f, reasons: f.reasons.includes(r) ? f.reasons.filter((x) => x !== r) : [...f.reasons, r] });
  return (
    <Shell title={t('action.markMajor')} onSubmit={submit} testId="form-markMajor" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['reasons', 'note']} />
      <p className="small">{t('major.hint')}</p>
      <Field label={t('major.reasons')} problem={a.problems.reasons} serverProblems={a.server('reasons')} required>
        <div className="checkbox-list" role="group" aria-label={t('major.reasons')}>
          {MAJOR_REASONS.filter((r) => !recorded.includes(r)).map((r) => (
            <label key={r} className="checkbox-inline">
              <input type="checkbox" name="reasons" value={r} checked={f.reasons.includes(r)} onChange={() => toggle(r)} data-testid={`major-reason-${r}`} />
              {l('majorReason', r)}
            </label>
          ))}
        </div>
      </Field>
      <Field label={t('major.note')} htmlFor="major-note" problem={a.problems.note} serverProblems={a.server('note')}>
        <textarea id="major-note" name="note" rows={2} value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />
      </Field>
      <Buttons busy={a.busy} onCancel={onCancel} label={t('action.markMajor')} testId="markMajor-submit" />
    </Shell>
  );
};

/** Compensation (赔偿/补偿) within the approver's limit; over it, the API's 403 names the next approver. */
export const CompensationForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t } = useI18n();
  const [f, setF] = useState({ amount: '', reason: '' });
  const a = useAction(view, 'compensate', 'compensations', onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(validateCompensation(f), () => ({ amount: Number(f.amount), reason: f.reason.trim() }));
  };
  return (
    <Shell title={t('action.compensate')} onSubmit={submit} testId="form-compensate" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['amount', 'reason']} />
      <p className="small">{t('compensate.hint')}</p>
      {(view.compensationTotal ?? 0) > 0 && (
        <p className="small" data-testid="compensation-total">
          {t('compensate.total', { total: view.compensationTotal ?? 0 })}
        </p>
      )}
      <Field label={t('compensate.amount')} htmlFor="compensate-amount" problem={a.problems.amount} serverProblems={a.server('amount')} required>
        <input id="compensate-amount" name="amount" type="number" min="0.01" step="0.01" inputMode="decimal" value={f.amount} onChange={(e) => setF({ ...f, amount: e.target.value })} />
      </Field>
      <Field label={t('compensate.reason')} htmlFor="compensate-reason" problem={a.problems.reason} serverProblems={a.server('reason')} required>
        <textarea id="compensate-reason" name="reason" rows={2} value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })} />
      </Field>
      <Buttons busy={a.busy} onCancel={onCancel} label={t('action.compensate')} testId="compensate-submit" />
    </Shell>
  );
};

/** A visit, a public notice (公告) or a residents' meeting (座谈会) about the complaint. */
export const OutreachForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t, l } = useI18n();
  const [f, setF] = useState({ kind: '', note: '' });
  const a = useAction(view, 'outreach', 'outreach', onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(validateOutreach(f), () => ({ kind: f.kind, note: f.note.trim() }));
  };
  return (
    <Shell title={t('action.outreach')} onSubmit={submit} testId="form-outreach" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['kind', 'note']} />
      <Field label={t('outreach.kind')} htmlFor="outreach-kind" problem={a.problems.kind} serverProblems={a.server('kind')} required>
        <select id="outreach-kind" name="kind" value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })}>
          <option value="">{t('common.choose')}</option>
          {OUTREACH_KINDS.map((k) => (
            <option key={k} value={k}>
              {l('outreachKind', k)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('outreach.note')} htmlFor="outreach-note" problem={a.problems.note} serverProblems={a.server('note')} required>
        <textarea id="outreach-note" name="note" rows={3} value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />
      </Field>
      <Buttons busy={a.busy} onCancel={onCancel} label={t('common.submit')} testId="outreach-submit" />
    </Shell>
  );
};

/** A correction of one registration field: a new entry with its reason; the original stays in the history. */
export const CorrectionForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t, l } = useI18n();
  const [f, setF] = useState<CorrectionFormState>({ field: '', value: '', flag: false, reason: '' });
  const a = useAction(view, 'correct', 'corrections', onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(validateCorrection(f), () => correctionBody(f));
  };
  const input =
    f.field === 'complainant.anonymous' ? (
      <label className="checkbox-inline">
        <input type="checkbox" name="value" checked={f.flag} onChange={(e) => setF({ ...f, flag: e.target.checked })} />
        {l('correctableField', 'complainant.anonymous')}
      </label>
    ) : f.field === 'channel' ? (
      <select id="correct-value" name="value" value={f.value} onChange={(e) => setF({ ...f, value: e.target.value })}>
        <option value="">{t('common.choose')}</option>
        {CHANNELS.map((c) => (
          <option key={c} value={c}>
            {l('channel', c)}
          </option>
        ))}
      </select>
    ) : f.field === 'description' || f.field === 'request' ? (
      <textarea id="correct-value" name="value" rows={3} value={f.value} onChange={(e) => setF({ ...f, value: e.target.value })} />
    ) : (
      <input
        id="correct-value"
        name="value"
        type={f.field === 'occurredAt' ? 'datetime-local' : f.field === 'householdCount' ? 'number' : 'text'}
        value={f.value}
        onChange={(e) => setF({ ...f, value: e.target.value })}
      />
    );
  return (
    <Shell title={t('action.correct')} onSubmit={submit} testId="form-correct" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['field', 'value', 'reason']} />
      <p className="small">{t('correct.hint')}</p>
      <div className="grid-2">
        <Field label={t('correct.field')} htmlFor="correct-field" problem={a.problems.field} serverProblems={a.server('field')} required>
          <select id="correct-field" name="field" value={f.field} onChange={(e) => setF({ ...f, field: e.target.value, value: '', flag: false })}>
            <option value="">{t('common.choose')}</option>
            {CORRECTABLE_FIELDS.map((c) => (
              <option key={c} value={c}>
                {l('correctableField', c)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={t('correct.value')}
          htmlFor="correct-value"
          problem={a.problems.value}
          serverProblems={a.server('value')}
          hint={f.field === 'subjectEmployeeIds' ? t('correct.value.hint') : undefined}
        >
          {input}
        </Field>
      </div>
      <Field label={t('correct.reason')} htmlFor="correct-reason" problem={a.problems.reason} serverProblems={a.server('reason')} required>
        <textarea id="correct-reason" name="reason" rows={2} value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })} />
      </Field>
      <Buttons busy={a.busy} onCancel={onCancel} label={t('common.submit')} testId="correct-submit" />
    </Shell>
  );
};

/** Year-end sealing (装订封存) of a closed complaint. */
export const ArchiveForm = ({ view, onDone, onCancel }: FormProps) => {
  const { t } = useI18n();
  const [year, setYear] = useState('');
  const a = useAction(view, 'archive', 'archive', onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(validateArchive(year), () => (year.trim() ? { year: Number(year) } : {}));
  };
  return (
    <Shell title={t('action.archive')} onSubmit={submit} testId="form-archive" clear={a.clear}>
      <ErrorBanner error={a.apiError} shownFields={['year']} />
      <p className="small">{t('archive.warning')}</p>
      <Field label={t('archive.year')} htmlFor="archive-year" problem={a.problems.year} serverProblems={a.server('year')} hint={t('archive.year.hint')}>
        <input id="archive-year" name="year" type="number" value={year} onChange={(e) => setYear(e.target.value)} />
      </Field>
      <Buttons busy={a.busy} onCancel={onCancel} label={t('action.archive')} testId="archive-submit" />
    </Shell>
  );
};

export const ACTION_FORMS: Partial<Record<Action, (p: FormProps) => ReactNode>> = {
  markMajor: MarkMajorForm,
  compensate: CompensationForm,
  outreach: OutreachForm,
  correct: CorrectionForm,
  archive: ArchiveForm,
  reply: ReplyForm,
  plan: PlanForm,
  resolve: ResolveForm,
  escalate: EscalateForm,
  reassign: ReassignForm,
  callback: CallbackForm,
  exempt: ExemptForm,
  erase: EraseForm,
};
