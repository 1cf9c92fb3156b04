import { complaintViewFor, type Complaint, type ComplaintView } from '@complaints/domain';

export type { ComplaintView };

/**
 * Opens the sealed personal values of complaint states (ComplaintPersonalData.openComplaints):
 * read models hold only ciphertext, so what a person sees is opened per request.
 */
export type OpenComplainants = (states: readonly Complaint[]) => Promise<Complaint[]>;

/** Data stored before encryption needs no opening. */
export const storedAsIs: OpenComplainants = async (states) => [...states];

/**
 * The views a user of `role` may see: the complainant's name and phone opened, then
 * shown in full or masked by the domain's rule (`complaintViewFor`, CONTACT_ROLES).
 */
export const presentComplaints = async (states: readonly Complaint[], role: string, now: Date, open: OpenComplainants): Promise<ComplaintView[]> =>
  (await open(states)).map((state) => complaintViewFor(state, role, now.toISOString()));
