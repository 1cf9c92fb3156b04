import { complaintViewFor, resolveDecisionContext, type Actor, type Complaint, type ComplaintPolicy, type ComplaintView, type Role } from '@complaints/domain';

export type { ComplaintView };

/**
 * Opens the sealed personal values of complaint states (ComplaintPersonalData.openComplaints):
 * read models hold only ciphertext, so what a person sees is opened per request.
 */
export type OpenComplainants = (states: readonly Complaint[]) => Promise<Complaint[]>;

/** Data stored before encryption needs no opening. */
export const storedAsIs: OpenComplainants = async (states) => [...states];

/** Who asks, and the policy in force at a site: the view then carries the actions they may take now. */
export type ViewCaller = { user: { id: string; role: string; name?: string }; policyOf: (siteId: string) => ComplaintPolicy };

/**
 * The views a user of `role` may see: the complainant's name and phone opened, then
 * shown in full or masked by the domain's rule (`complaintViewFor`, CONTACT_ROLES); with a
 * caller, each view lists the actions the domain's policy lets them take now (`actions`).
 */
export const presentComplaints = async (states: readonly Complaint[], role: string, now: Date, open: OpenComplainants, caller?: ViewCaller): Promise<ComplaintView[]> => {
  const actor: Actor | undefined = caller && { id: caller.user.id, role: caller.user.role as Role, ...(caller.user.name ? { name: caller.user.name } : {}) };
  // One decision context per site of the page, not one per complaint.
  const contexts = new Map<string, ReturnType<typeof resolveDecisionContext>>();
  const contextOf = (siteId: string, policyOf: ViewCaller['policyOf']) => {
    let context = contexts.get(siteId);
    if (!context) contexts.set(siteId, (context = resolveDecisionContext({ policy: policyOf(siteId) })));
    return context;
  };
  const at = now.toISOString();
  return (await open(states)).map((state) => complaintViewFor(state, role, at, caller && actor ? { actor, context: contextOf(state.siteId, caller.policyOf) } : undefined));
};
