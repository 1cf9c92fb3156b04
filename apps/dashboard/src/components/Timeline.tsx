import type { HistoryEvent } from '../api/types';
import { formatDateTime, useI18n } from '../i18n/i18n';
import { renderMessage, renderTriageReason, type MessageParams } from '../i18n/labels';

/** An automatic triage recorded before its reasons were kept as codes: its note mixes a Chinese tag with English reasons. */
const OLD_AUTOMATIC_NOTE = /^自动判别 automatic:/;

type Actor = { id?: string; role?: string; name?: string };

export const actorOf = (e: HistoryEvent): Actor => ({ ...((e.data.actor as Actor | undefined) ?? {}), ...(e.actor ?? {}) });

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** One line on what an event did, in the user's language, from its data. */
export const useEventSummary = () => {
  const { t, l, lang } = useI18n();
  return (e: HistoryEvent): string[] => {
    const d = e.data;
    const out: string[] = [];
    const push = (v: string | undefined) => v && out.push(v);
    switch (e.type) {
      case 'ComplaintRegistered':
        push(`${l('channel', str(d.channel))} · ${str(d.title) ?? ''}`);
        break;
      case 'ComplaintTriaged':
        push([l('nature', str(d.nature)), l('severity', str(d.severity)), l('urgency', str(d.urgency)), l('category', str(d.category)), `→ ${l('department', str(d.department))}`].join(' · '));
        if (d.major === true) push(t('complaint.major'));
        push(str(d.assignee) && `${t('complaint.assignee')}: ${d.assignee as string}`);
        // An automatic triage's reasons, as codes with parameters, in the reader's language (the shared catalogue).
        if (Array.isArray(d.explanations)) for (const r of d.explanations as { code: string; params?: MessageParams }[]) push(renderTriageReason(lang, r));
        // Older automatic triages kept English reasons in the note: a Chinese reader is told it was automatic (below) instead.
        if (!(lang === 'zh' && d.automatic === true && OLD_AUTOMATIC_NOTE.test(str(d.note) ?? ''))) push(str(d.note));
        if (d.automatic === true) push(t('event.summary.automatic'));
        break;
      case 'FirstReplyGiven':
      case 'SecondReplyGiven':
      case 'ProgressNoted':
        push(str(d.message));
        if (d.resolvedOnSpot === true) push(t('reply.resolvedOnSpot'));
        push(str(d.secondReplyDueAt) && `${l('deadline', 'secondReply')} ${t('event.summary.due', { time: formatDateTime(d.secondReplyDueAt as string) })}`);
        break;
      case 'RectificationPlanRecorded':
        push(str(d.measures));
        push(str(d.dueAt) && t('event.summary.due', { time: formatDateTime(d.dueAt as string) }));
        break;
      case 'ComplaintResolved':
        push(str(d.resolution));
        push(str(d.rootCause) && `${t('resolve.rootCause')}: ${d.rootCause as string}`);
        push(str(d.correctiveActions) && `${t('resolve.correctiveActions')}: ${d.correctiveActions as string}`);
        push(str(d.preventiveActions) && `${t('resolve.preventiveActions')}: ${d.preventiveActions as string}`);
        break;
      case 'InvalidComplaintExplained':
        push(str(d.explanation));
        break;
      case 'ComplaintEscalated':
        push(t('event.summary.level', { n: Number(d.toLevel), role: l('role', str(d.escalatedTo)) }));
        // The system's own escalations record an English reason: said from their data in the reader's language instead.
        if (d.automatic === true && str(d.deadline)) push(renderMessage(lang, 'event.escalation.overdue', { deadline: str(d.deadline), dueAt: formatDateTime(str(d.dueAt)) }));
        else if (d.automatic === true) push(renderMessage(lang, 'event.escalation.emergency', { role: str(d.escalatedTo) }));
        else push(str(d.reason));
        if (d.automatic === true) push(t('event.summary.automatic'));
        break;
      case 'ComplaintReassigned':
        push(`${l('department', str(d.fromDepartment))} → ${l('department', str(d.department))}${str(d.assignee) ? ` (${d.assignee as string})` : ''}`);
        push(str(d.reason));
        break;
      case 'DeadlineChased':
        push(t('event.summary.deadline', { name: l('deadline', str(d.deadline)) }));
        break;
      case 'CallbackUnreached':
        push(`${l('callbackMethod', str(d.method))} · ${t('event.summary.attempt', { n: Number(d.attempt) })}`);
        push(str(d.comment));
        break;
      case 'CallbackCompleted':
        push(`${l('callbackMethod', str(d.method))} · ${t('event.summary.satisfaction', { n: Number(d.satisfaction), label: l('satisfaction', String(d.satisfaction)) })}`);
        push(str(d.comment));
        break;
      case 'CallbackExempted':
        push(l('exemptionReason', str(d.reason)));
        // The system's own note ('not reached after N attempts') is English: the reason and the automatic tag say it.
        if (d.automatic === true) push(t('event.summary.automatic'));
        if (d.automatic !== true || lang === 'en') push(str(d.note));
        break;
      case 'ComplaintClosed':
        push(t('event.summary.basis', { basis: l('closeBasis', str(d.basis)) }));
        break;
      case 'ComplaintReopened':
        push(t('event.summary.satisfaction', { n: Number(d.satisfaction), label: l('satisfaction', String(d.satisfaction)) }));
        push(t('event.summary.level', { n: Number(d.toLevel), role: l('role', str(d.escalatedTo)) }));
        break;
      case 'ComplaintMarkedMajor':
        push(Array.isArray(d.reasons) ? (d.reasons as string[]).map((r) => l('majorReason', r)).join('、') : undefined);
        push(str(d.note));
        break;
      case 'ComplaintReferredToManager':
        push(str(d.reason));
        break;
      case 'AttachmentAdded':
        // The stage (and the personal mark); names and pictures are in the attachments card.
        push(`${l('attachmentStage', str(d.stage))}${d.personal === true ? ` · ${t('attach.personal')}` : ''}`);
        push(str(d.note));
        break;
      case 'ComplaintCorrected':
        push(t('event.summary.field', { field: String(d.field), from: JSON.stringify(d.previousValue ?? null), to: JSON.stringify(d.value ?? null) }));
        push(str(d.reason));
        break;
      case 'ComplainantNoticeSent':
      case 'ComplainantNoticeFailed':
        push(`${l('noticeTemplate', str(d.template))} · ${l('noticeChannel', str(d.channel))}`);
        push(str(d.error));
        break;
      default:
        push(str(d.reason) ?? str(d.note) ?? str(d.message));
    }
    return out;
  };
};

export const Timeline = ({ events }: { events: HistoryEvent[] }) => {
  const { t, l } = useI18n();
  const summarize = useEventSummary();
  if (events.length === 0) return <p className="empty">{t('detail.timeline.empty')}</p>;
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  return (
    <ol className="timeline" data-testid="timeline">
      {sorted.map((e) => {
        const actor = actorOf(e);
        return (
          <li key={e.seq} className={`tl-item tl-${e.type}`}>
            <div className="tl-dot" aria-hidden="true" />
            <div className="tl-body">
              <div className="tl-head">
                <strong className="tl-type">{l('event', e.type)}</strong>
                <time dateTime={e.at}>{formatDateTime(e.at, { seconds: true })}</time>
              </div>
              <div className="tl-actor">
                {actor.name ?? actor.id ?? '—'} · {l('role', actor.role)}
              </div>
              {summarize(e).map((line, i) => (
                <div key={i} className="tl-text">
                  {line}
                </div>
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
};
