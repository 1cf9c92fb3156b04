/**
 * The complainant notices handling owes (an outbox): one row per notice key — the stored
 * event's id and the channel — so a redelivered event adds nothing. No contact data: the
 * address is opened from the vault at send time only.
 *
 * status: pending (to send, at next_attempt_at) · sent · ready (a letter, to print) · failed (retries ran out: on the
 * CS assistant's queue) · off (the channel is not configured) · cancelled (anonymous or
 * erased by the time it was due, or the record sealed).
 */
export const complainantNoticesTableSql = `
CREATE SCHEMA IF NOT EXISTS handling;
CREATE TABLE IF NOT EXISTS handling.complainant_notices (
  id              uuid PRIMARY KEY,
  notice_key      text        NOT NULL UNIQUE,
  complaint_id    uuid        NOT NULL,
  site_id         text        NOT NULL,
  number          text        NOT NULL,
  source_event_id uuid        NOT NULL,
  template        text        NOT NULL,
  channel         text        NOT NULL,
  facts           jsonb       NOT NULL,
  status          text        NOT NULL DEFAULT 'pending',
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error      text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  sent_at         timestamptz
);
CREATE INDEX IF NOT EXISTS complainant_notices_complaint ON handling.complainant_notices (complaint_id, created_at);
CREATE INDEX IF NOT EXISTS complainant_notices_due ON handling.complainant_notices (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS complainant_notices_failed ON handling.complainant_notices (site_id, updated_at) WHERE status = 'failed';`;

export type NoticeStatus = 'pending' | 'sent' | 'ready' | 'failed' | 'off' | 'cancelled';

export type NoticeRow = {
  id: string;
  notice_key: string;
  complaint_id: string;
  site_id: string;
  number: string;
  source_event_id: string;
  template: string;
  channel: string;
  facts: Record<string, unknown>;
  status: NoticeStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
};

/** A notice as the API shows it: what, how, when and how it went — never to whom. */
export const noticeJson = (r: NoticeRow) => ({
  id: r.id,
  complaintId: r.complaint_id,
  number: r.number,
  siteId: r.site_id,
  template: r.template,
  channel: r.channel,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
  createdAt: r.created_at.toISOString(),
  sentAt: r.sent_at?.toISOString() ?? null,
});
