import { complaintView, type Complaint, type ComplaintView } from '@complaints/domain';

export type { ComplaintView };

/**
 * Who may see a complainant's name and phone in full: the roles that deal with the
 * complainant directly. Everyone else sees them masked (the masking itself is the
 * domain's `complaintView`).
 */
const SEES_CONTACT = new Set(['duty_officer', 'cs_assistant', 'cs_supervisor', 'cs_manager', 'general_manager', 'admin']);

export const presentComplaint = (state: Complaint, role: string, now: Date): ComplaintView =>
  complaintView(state, now.toISOString(), { revealComplainant: SEES_CONTACT.has(role) });
