import { api } from './client';

/** The records desk (docs/api.md "Reports and dashboards": /api/records/…). */
export type SnapshotFile = { format: string; sha256: string; bytes: number };
export type MonthlyPackRecord = {
  siteId: string;
  month: string;
  status: 'awaiting_sign_off' | 'signed_off';
  dueBy: string;
  files: SnapshotFile[];
  generatedAt: string;
  generatedBy: string;
  signedOffAt: string | null;
  signedOffBy: string | null;
  signedSha256: string | null;
  late: boolean | null;
  chases: number;
  lastChasedOn: string | null;
  overdue: boolean;
};
export type SealEdition = { edition: number; rootHash: string; rootMac: string | null; archiveSha256: string; bytes: number; complaints: number; at: string; by: { id: string; name?: string } | string };
export type SealedRecord = { complaintId: string; number: string; major: boolean; retainUntil: string; earliestPurgeDate: string; purgedAt: string | null };
export type YearSeal = { siteId: string; year: number; editions: SealEdition[]; complaints: number; purged: number; lastSealedAt: string; records?: SealedRecord[] };

export const recordsApi = {
  packs: (siteId: string, signal?: AbortSignal) => api.get<{ items: MonthlyPackRecord[] }>('/records/monthly-packs', { siteId }, signal),
  generatePack: (siteId: string, month: string) => api.post<{ generated: boolean; pack: MonthlyPackRecord }>(`/records/monthly-packs/${encodeURIComponent(siteId)}/${month}/generate`, {}),
  signOff: (siteId: string, month: string, sha256: string, note?: string) =>
    api.post<MonthlyPackRecord>(`/records/monthly-packs/${encodeURIComponent(siteId)}/${month}/sign-off`, note ? { sha256, note } : { sha256 }),
  downloadSnapshot: (siteId: string, month: string, format: 'pdf' | 'json') =>
    api.download(`/records/monthly-packs/${encodeURIComponent(siteId)}/${month}/snapshot`, { format }, `monthly-pack-${siteId}-${month}.${format}`),
  seals: (siteId: string, signal?: AbortSignal) => api.get<{ items: YearSeal[] }>('/records/year-seals', { siteId }, signal),
  seal: (siteId: string, year: number, signal?: AbortSignal) => api.get<YearSeal>(`/records/year-seals/${encodeURIComponent(siteId)}/${year}`, undefined, signal),
  sealYear: (siteId: string, year: number) => api.post<{ sealed: boolean; edition: number | null }>(`/records/year-seals/${encodeURIComponent(siteId)}/${year}`, {}),
  downloadArchive: (siteId: string, year: number, edition: number) =>
    api.download(`/records/year-seals/${encodeURIComponent(siteId)}/${year}/archive`, { edition: String(edition) }, `${siteId}-${year}-edition-${edition}.tar`),
};

/** Who may do what on the page (the server decides; this only hides buttons that would be refused). */
export const PACK_GENERATORS = ['cs_manager', 'general_manager', 'admin'];
export const PACK_SIGNERS = ['cs_manager', 'general_manager'];
export const SEAL_READERS = ['auditor', 'admin', 'cs_manager', 'general_manager', 'leadership'];
export const YEAR_SEALERS = ['cs_manager', 'admin'];
