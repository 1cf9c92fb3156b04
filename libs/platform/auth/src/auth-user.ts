/**
 * The signed-in user as every service sees it: who, which role (docs/process.md §1), and the
 * scope of sites and departments they may see and act on. `'*'` in `siteIds` means the
 * whole group (leadership, auditors, administrators).
 */
export type AuthUser = {
  id: string;
  username: string;
  name?: string;
  role: string;
  siteIds: string[];
  /** For department staff (department_head, handler): the departments they belong to. */
  departments: string[];
};

export const ALL_SITES = '*';

/** Roles whose work is limited to their own departments' complaints. */
export const DEPARTMENT_ROLES = new Set(['department_head', 'handler']);

export const seesAllSites = (user: Pick<AuthUser, 'siteIds'>): boolean => user.siteIds.includes(ALL_SITES);

export const mayAccessSite = (user: Pick<AuthUser, 'siteIds'>, siteId: string): boolean => seesAllSites(user) || user.siteIds.includes(siteId);

/**
 * May this user see / act on a complaint at `siteId` routed to `department`? Department
 * staff see their departments' complaints only (and unrouted ones are not theirs yet).
 */
export const mayAccessComplaint = (user: AuthUser, complaint: { siteId: string; department?: string | null }): boolean => {
  if (!mayAccessSite(user, complaint.siteId)) return false;
  if (!DEPARTMENT_ROLES.has(user.role)) return true;
  return !!complaint.department && user.departments.includes(complaint.department);
};
