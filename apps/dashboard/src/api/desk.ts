import { api } from './client';

/** The records desk's endpoints (docs/api.md): case library, public notice, weekly check. */
export type TypicalCase = { complaintId: string; siteId: string; number: string; category: string | null; title: string; summary: string; cause: string; lessons: string; markedAt: string; updatedAt: string };
export type DisclosureItem = { number: string; receivedOn: string; category: string | null; location: string | null; title: string; outcome: 'closed' | 'resolved' | 'in_progress'; result: string | null; closedOn: string | null; reasons: string[] };
export type Disclosure = {
  siteId: string;
  siteName?: string;
  month: string;
  items: DisclosureItem[];
  contentHash: string;
  status: 'draft' | 'published' | 'changed_since_approval';
  approval: { contentHash: string; approvedAt: string; approvedBy: string; approvals: number } | null;
};
export type WeeklyCheckSummary = { week: string; from: string; to: string; dueAt: string; status: 'in_progress' | 'due' | 'overdue' | 'completed'; findings: number; issues: number; chaseLevel: number | null; completedAt: string | null };
export type WeeklyFinding = { outcome: 'ok' | 'issue'; note: string | null; at: string; by: { id: string; name?: string } };
export type WeeklyCheck = WeeklyCheckSummary & {
  siteId: string;
  agenda: { complaintId: string; number: string; title: string; status: string; reasons: string[]; finding: WeeklyFinding | null }[];
};

export const desk = {
  searchCases: (query: { category?: string; q?: string }, signal?: AbortSignal) => api.get<{ items: TypicalCase[]; total: number }>('/case-library', query, signal),
  markCase: (body: { complaintId: string; summary: string; cause: string; lessons: string }) => api.post<unknown>('/case-library', body),
  unmarkCase: (complaintId: string, reason: string) => api.post<unknown>(`/case-library/${complaintId}/unmark`, { reason }),
  disclosure: (siteId: string, month: string, signal?: AbortSignal) => api.get<Disclosure>(`/disclosures/${encodeURIComponent(siteId)}/${month}`, undefined, signal),
  approveDisclosure: (siteId: string, month: string, contentHash: string) => api.post<unknown>(`/disclosures/${encodeURIComponent(siteId)}/${month}/approval`, { contentHash }),
  disclosurePdf: (siteId: string, month: string) => api.download(`/disclosures/${encodeURIComponent(siteId)}/${month}/pdf`, {}, `disclosure-${siteId}-${month}.pdf`),
  weeks: (siteId: string, signal?: AbortSignal) => api.get<WeeklyCheckSummary[]>(`/weekly-checks/${encodeURIComponent(siteId)}`, undefined, signal),
  week: (siteId: string, week: string, signal?: AbortSignal) => api.get<WeeklyCheck>(`/weekly-checks/${encodeURIComponent(siteId)}/${week}`, undefined, signal),
  recordFinding: (siteId: string, week: string, body: { complaintId: string; outcome: 'ok' | 'issue'; note?: string }) => api.post<unknown>(`/weekly-checks/${encodeURIComponent(siteId)}/${week}/findings`, body),
  completeWeek: (siteId: string, week: string) => api.post<unknown>(`/weekly-checks/${encodeURIComponent(siteId)}/${week}/completion`, {}),
};
