import { DEPARTMENT_ROLES, mayAccessComplaint, mayAccessSite, seesAllSites, type AuthUser } from '@complaints/auth';
import { ApiError } from '@complaints/service-kit';

/**
 * Who may read what in reporting (docs/api.md "Errors": 403 when "not allowed for this user, site or
 * department"). Users see their own sites ('*': the whole group); department staff (department
 * heads, handlers) see their departments' complaints only.
 */
export const forbidden = (message: string, code = 'error.forbidden'): ApiError => new ApiError(403, message, undefined, code);

export const assertSite = (user: AuthUser, siteId: string): void => {
  if (!mayAccessSite(user, siteId)) throw forbidden(`Site ${siteId} is outside your sites`, 'error.outside_scope');
};

export const assertComplaint = (user: AuthUser, complaint: { siteId: string; department?: string | null }): void => {
  if (!mayAccessComplaint(user, complaint)) throw forbidden('This complaint is outside your sites or departments', 'error.outside_scope');
};

/** What a list may show this user: null = no limit. */
export type ListScope = { siteIds: string[] | null; departments: string[] | null };

export const listScope = (user: AuthUser): ListScope => ({
  siteIds: seesAllSites(user) ? null : user.siteIds,
  departments: DEPARTMENT_ROLES.has(user.role) ? user.departments : null,
});

/** The department a dashboard request may show: department staff only their own. */
export const dashboardDepartment = (user: AuthUser, requested: string | undefined): string | undefined => {
  if (!DEPARTMENT_ROLES.has(user.role)) return requested;
  if (requested === undefined && user.departments.length === 1) return user.departments[0];
  if (requested === undefined || !user.departments.includes(requested)) throw forbidden(`Department staff see their own department's dashboard (${user.departments.join(', ') || 'none'})`, 'error.outside_scope');
  return requested;
};

/** The group and region roll-ups span every site: for users who see the whole group. */
export const assertWholeGroup = (user: AuthUser, what: string): void => {
  if (!seesAllSites(user)) throw forbidden(`${what} covers every site; ask for one of your sites with siteId`, 'error.whole_group_only');
};

/** Who may take a sealed archive out: auditors (稽核), administrators and management. */
export const ARCHIVE_ROLES: ReadonlySet<string> = new Set(['auditor', 'admin', 'cs_manager', 'general_manager', 'leadership']);

/** Who may drop and rebuild read models. */
export const assertAdmin = (user: AuthUser): void => {
  if (user.role !== 'admin') throw forbidden(`Rebuilding a projection needs the admin role, not '${user.role}'`);
};

/** A report's lists of complaints (id, number, title) that department staff may see: only their departments'. */
type CaseLists = { major: { items: { id: string }[] }; repeat: { items: { id: string }[] }; reopened: { items: { id: string }[] }; regions?: CaseLists[]; sites?: CaseLists[] };

/** Every complaint id a report lists (its own lists and its regions' and sites'). */
export const listedComplaintIds = (pack: CaseLists): string[] => [
  ...pack.major.items.map((i) => i.id),
  ...pack.repeat.items.map((i) => i.id),
  ...pack.reopened.items.map((i) => i.id),
  ...(pack.regions ?? []).flatMap(listedComplaintIds),
  ...(pack.sites ?? []).flatMap(listedComplaintIds),
];

/**
 * The report with its complaint lists cut to the ids `visible` holds. Counts and rates
 * stay whole (they name no complaint); what a department user may not open (403 on
 * the complaint) is not listed either.
 */
export const withListedOnly = <P extends CaseLists>(pack: P, visible: ReadonlySet<string>): P => ({
  ...pack,
  major: { ...pack.major, items: pack.major.items.filter((i) => visible.has(i.id)) },
  repeat: { ...pack.repeat, items: pack.repeat.items.filter((i) => visible.has(i.id)) },
  reopened: { ...pack.reopened, items: pack.reopened.items.filter((i) => visible.has(i.id)) },
  ...(pack.regions ? { regions: pack.regions.map((r) => withListedOnly(r, visible)) } : {}),
  ...(pack.sites ? { sites: pack.sites.map((r) => withListedOnly(r, visible)) } : {}),
});

/** Department staff (department heads, handlers) see only their departments' complaints — in lists of reports too. */
export const isDepartmentStaff = (user: AuthUser): boolean => DEPARTMENT_ROLES.has(user.role);
