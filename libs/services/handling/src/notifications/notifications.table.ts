/** What the notifier delivered, once per notification (its event id). */
export const notificationsTableSql = `
CREATE TABLE IF NOT EXISTS handling.notifications (
  event_id     uuid PRIMARY KEY,
  kind         text        NOT NULL,
  complaint_id uuid        NOT NULL,
  to_role      text        NOT NULL,
  channel      text        NOT NULL,
  payload      jsonb       NOT NULL,
  delivered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notifications_complaint ON handling.notifications (complaint_id);`;
