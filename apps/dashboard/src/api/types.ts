/** The shapes of docs/api.md the dashboard reads and writes (copied, never imported). */

export type Me = { id: string; username: string; name?: string; role: string; siteIds: string[]; departments: string[] };

export type Complainant = { name?: string; phone?: string; email?: string; building?: string; unit?: string; anonymous: boolean };

export type DeadlineKey = 'firstReply' | 'secondReply' | 'plan' | 'resolve' | 'callback' | 'followUp';

export type ComplaintView = {
  id: string;
  number: string;
  siteId: string;
  channel: string;
  status: string;
  nature: string | null;
  severity: string | null;
  urgency: string | null;
  major: boolean;
  majorReasons?: string[];
  category: string | null;
  department: string | null;
  assignee: string | null;
  complainant: Complainant;
  /** The complainant's name and phone were erased; they read as "[erased]". */
  personalDataErased?: boolean;
  title: string;
  description: string;
  receivedAt: string;
  deadlines: Partial<Record<DeadlineKey, string | null>>;
  overdue: string[];
  escalationLevel: number;
  reopenCount: number;
  satisfaction: number | null;
  closedAt: string | null;
  archived?: boolean;
  repeatOf?: string | null;
  collective?: boolean;
  policyVersion?: string;
  version: number;
  /** Compensation approved so far on this complaint. */
  compensationTotal?: number;
  /** What the signed-in user may do now (computed by the server from the domain's policy). */
  actions?: string[];
  /** The reply kinds open now, when `actions` holds `reply`. */
  replyKinds?: string[];
};

export type Page<T> = { items: T[]; total: number; page: number; pageSize?: number };

export type HistoryEvent = {
  seq: number;
  type: string;
  at: string;
  recordedAt?: string;
  actor: { id: string; role: string; name?: string } | null;
  data: Record<string, unknown>;
  hash: string | null;
  prevHash: string | null;
};

export type History = { events: HistoryEvent[]; stateAsOf?: ComplaintView | null };

export type Verification = { valid: boolean; events: number; brokenAt?: number; reason?: string };

export type TriageSuggestion = {
  nature: string;
  severity: string;
  urgency: string;
  major: boolean;
  majorReasons?: string[];
  category: string;
  department: string;
  reasons: string[];
  /** The same reasons as codes with parameters (newer servers): rendered in the reader's language. */
  explanations?: { code: string; params: Record<string, string | number | string[]> }[];
};

export type CallbackTask = {
  complaintId: string;
  number: string;
  siteId: string;
  status: string;
  openedAt: string;
  dueAt: string | null;
  attempts: number;
  round: number;
  satisfaction: number | null;
};

export type DashboardCase = { id: string; number: string; title: string; status: string; category: string | null; receivedAt: string; ageDays: number };

export type DashboardStages = { total: number } & Partial<Record<'firstReply' | 'secondReply' | 'plan' | 'resolve' | 'followUp' | 'callback', number>>;

export type DepartmentDashboard = {
  siteId: string;
  department: string | null;
  asOf: string;
  timeZone?: string;
  open: number;
  dueToday: DashboardStages;
  overdue: DashboardStages;
  byCategory: Record<string, number>;
  byStatus: Record<string, number>;
  oldestOpen: DashboardCase[];
  callbackBacklog: { total: number; overdue: number; dueToday: number; oldest: (DashboardCase & { resolvedAt: string | null })[] };
};

export type Labelled = { key: string; label: string; count: number };
export type StageRate = { measured: number; onTime: number; late: number; notYetDue: number; rate: number | null; label: string };
export type CaseItem = { id: string; number: string; title: string; siteId: string };

export type Quota = { siteId: string; actorId: string; name?: string; role: string; callbacks: number; required: number; missing: number; met: boolean };

/** GET /api/reports/monthly?format=json (libs/services/reporting/src/monthly-report, MonthlyPack). */
export type MonthlyReport = {
  scope: { level: 'site' | 'region' | 'group'; id: string; name: string | null; regionId?: string | null; timeZone?: string; sites: string[] };
  month: string;
  period?: { from: string; to: string };
  asOf: string;
  generatedAt: string;
  totals: { received: number; closed: number; openAtMonthEnd: number };
  byCategory: Labelled[];
  byNature: Labelled[];
  byChannel: Labelled[];
  byDepartment: Labelled[];
  onTime: Record<string, StageRate>;
  callback: { resolved: number; exempt: number; callable: number; done: number; pending: number; rate: number; target: number; meetsTarget: boolean };
  satisfaction: { responses: number; distribution: Record<string, number>; satisfied: number; satisfiedRate: number | null; average: number | null };
  major: { count: number; items: CaseItem[] };
  repeat: { count: number; items: CaseItem[] };
  reopened: { count: number; events: number; items: CaseItem[] };
  topIssues: { categories: (Labelled & { share: number })[]; keywords: { keyword: string; complaints: number }[] };
  callbackQuotas: Quota[];
  regions?: MonthlyReport[];
  sites?: MonthlyReport[];
};

/** One field at fault: `problem` in English, `code` the same in the shared catalogue (@complaints/contracts/i18n). */
export type ErrorDetail = { field: string; problem: string; code?: string };

/** A notice to the complainant (GET /api/complaints/:id/notices, GET /api/complainant-notices): what, how, when — never to whom. */
export type ComplainantNotice = {
  id: string;
  complaintId: string;
  number: string;
  siteId: string;
  template: 'received' | 'second_reply' | 'plan' | 'resolved' | 'callback' | 'closed';
  channel: 'email' | 'sms' | 'letter';
  status: 'pending' | 'sent' | 'ready' | 'failed' | 'off' | 'cancelled';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  sentAt: string | null;
};

/** One attachment of a complaint (`GET /api/complaints/:id/attachments`). */
export type AttachmentStage = 'registration' | 'handling' | 'resolution';
export type Attachment = {
  sha256: string;
  size: number;
  mediaType: string;
  fileName: string;
  stage: AttachmentStage;
  personal: boolean;
  note?: string;
  at?: string;
  actor?: { id: string; role: string; name?: string };
  available?: boolean;
  unavailableReason?: 'erased' | 'personal' | 'missing';
};
export type AttachmentList = { items: Attachment[]; stages: AttachmentStage[]; limits: { maxBytes: number; maxPerComplaint: number; mediaTypes: string[] } };
export type AddedAttachment = Attachment & { complaintId: string; duplicate: boolean };
