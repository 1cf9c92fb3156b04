import type { AuthUser } from '@complaints/auth';

/**
 * Who is making the request: the signed-in user, verified by the global AuthGuard
 * (`@CurrentUser()` from @complaints/auth). Services depend on this name.
 */
export type ActingUser = AuthUser;
export { CurrentUser, Public } from '@complaints/auth';
