import type { AuthUser } from '@complaints/auth';
import { visibleTo, type ComplaintChange } from './change-feed';
import { tokenLifetimeMs } from './change-stream.controller';

const user = (role: string, siteIds: string[], departments: string[] = []): AuthUser => ({ id: role, username: role, role, siteIds, departments });
const change = (siteId: string, department: string | null, previousDepartment?: string | null): ComplaintChange & { previousDepartment?: string | null } => ({
  position: '7',
  complaintId: 'c',
  version: 2,
  changes: ['ComplaintTriaged'],
  siteId,
  department,
  ...(previousDepartment !== undefined ? { previousDepartment } : {}),
});

describe('Rule: a live change is told to whoever may read the complaint — and to the department a reassignment takes it from', () => {
  it('should tell site staff of their site only, and group-wide users of every site', () => {
    // given a change of a site-a complaint; when site-b staff, site-a staff and leadership listen; then only site-a staff and leadership hear it
    expect(visibleTo(user('cs_manager', ['site-b']), change('site-a', 'engineering'))).toBe(false);
    expect(visibleTo(user('cs_manager', ['site-a']), change('site-a', 'engineering'))).toBe(true);
    expect(visibleTo(user('leadership', ['*']), change('site-a', null))).toBe(true);
  });

  it('should tell department staff of their department’s complaints only (none before triage), and of one reassigned away from them', () => {
    const head = user('department_head', ['site-a'], ['engineering']);
    expect(visibleTo(head, change('site-a', 'engineering'))).toBe(true);
    expect(visibleTo(head, change('site-a', 'cleaning'))).toBe(false);
    expect(visibleTo(head, change('site-a', null))).toBe(false);
    expect(visibleTo(head, change('site-a', 'cleaning', 'engineering'))).toBe(true);
    expect(visibleTo(user('department_head', ['site-b'], ['engineering']), change('site-a', 'cleaning', 'engineering'))).toBe(false);
  });
});

describe('Rule: a live stream lasts no longer than the token that opened it', () => {
  const token = (payload: object) => `Bearer h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
  it('should count the time left until the token’s exp, 0 once past, and none for a token without exp', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(tokenLifetimeMs(token({ exp: now / 1000 + 90 }), now)).toBe(90_000);
    expect(tokenLifetimeMs(token({ exp: now / 1000 - 5 }), now)).toBe(0);
    expect(tokenLifetimeMs(token({ sub: 'x' }), now)).toBeUndefined();
    expect(tokenLifetimeMs(undefined, now)).toBeUndefined();
  });
});
