import { Inject, Injectable, Optional, SetMetadata, applyDecorators, UnauthorizedException, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AuthUser } from './auth-user';
import { TokenService } from './token.service';

const IS_PUBLIC = 'complaints:public';

/** Whether a signed-in user has been disabled since their token was issued (local users). */
export type UserStatus = { isDisabled(id: string): Promise<boolean> };
export const USER_STATUS = Symbol('USER_STATUS');

/**
 * Marks an endpoint that needs no token (docs/api.md: only health and sign-in). The OpenAPI
 * document learns it too (x-public, read by service-kit's documentErrorAnswers: no 401/403 there).
 */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-public', true));

type AuthenticatedRequest = Request & { user?: AuthUser };

/**
 * The one place every endpoint is authenticated: registered as a global guard, so a new
 * endpoint is protected unless it says `@Public()`. It verifies the bearer token and
 * puts the user on the request for `@CurrentUser()` and for scoping.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    @Optional() @Inject(USER_STATUS) private readonly status?: UserStatus,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Only HTTP requests carry users; bus deliveries come from the system's own event store.
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('A bearer token is required (POST /api/auth/login)');
    let user: AuthUser;
    try {
      user = await this.tokens.verify(match[1]);
    } catch {
      throw new UnauthorizedException('The token is invalid or has expired');
    }
    if (await this.status?.isDisabled(user.id)) throw new UnauthorizedException({ message: 'This user is disabled', code: 'error.user_disabled' });
    request.user = user;
    return true;
  }
}

/** The signed-in user of the request (set by AuthGuard). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new UnauthorizedException('Not signed in');
  return user;
});
