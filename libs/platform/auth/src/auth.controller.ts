import { Body, Controller, Get, HttpCode, HttpException, Inject, Ip, Optional, Post, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { AuthUser } from './auth-user';
import { CurrentUser, Public } from './auth.guard';
import { defaultLoginLimits, loginRetryAfter, recordLoginFailure, recordLoginSuccess, type LoginLimits } from './login-rate-limiter';
import { PasswordHashingBusyError } from './password';
import { TokenService } from './token.service';
import { UserStore } from './user.store';

export class LoginDto {
  @ApiProperty({ example: 'duty.a' }) @IsString() @IsNotEmpty() @MaxLength(100) username!: string;
  @ApiProperty({ example: 'demo1234' }) @IsString() @IsNotEmpty() @MaxLength(200) password!: string;
}

export const USER_STORE = Symbol('USER_STORE');
/** The sign-in limits (tests give their own). */
export const LOGIN_LIMITS = Symbol('LOGIN_LIMITS');

const tooMany = (res: Response, seconds: number, message: string): HttpException => {
  res.setHeader('Retry-After', String(seconds));
  return new HttpException(message, 429);
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  private readonly limits: LoginLimits;

  constructor(
    @Inject(USER_STORE) private readonly users: UserStore,
    private readonly tokens: TokenService,
    @Optional() @Inject(LOGIN_LIMITS) limits?: LoginLimits,
  ) {
    this.limits = limits ?? defaultLoginLimits();
  }

  /**
   * Failed attempts are limited per client address and account (10 in 5 min), per client
   * address whatever the usernames (30 in 5 min) and per account from all addresses
   * together (100 in 15 min); the password hashing pool's queue bounds sign-ins at once.
   * Every refusal is a 429 with Retry-After. Behind a reverse proxy the client address is
   * the forwarded one (TRUST_PROXY), so one client's failures do not block the others.
   */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ description: '{ accessToken, expiresIn }' })
  @ApiResponse({ status: 429, description: 'Too many failed attempts (per address and account, per address, per account) or sign-ins at once; Retry-After says when to try again' })
  async login(@Body() body: LoginDto, @Ip() ip: string, @Res({ passthrough: true }) res: Response): Promise<{ accessToken: string; expiresIn: number; tokenType: 'Bearer' }> {
    const username = body.username.toLowerCase();
    const wait = loginRetryAfter(this.limits, ip, username);
    if (wait > 0) throw tooMany(res, wait, `Too many failed sign-in attempts; try again in ${wait} s`);
    let user: AuthUser | undefined;
    try {
      user = await this.users.authenticate(body.username, body.password);
    } catch (error) {
      if (error instanceof PasswordHashingBusyError) throw tooMany(res, error.retryAfterSeconds, error.message);
      throw error;
    }
    if (!user) {
      recordLoginFailure(this.limits, ip, username);
      throw new UnauthorizedException({ message: 'Wrong username or password', code: 'error.wrong_credentials' });
    }
    recordLoginSuccess(this.limits, ip, username);
    return { accessToken: await this.tokens.issue(user), expiresIn: this.tokens.ttlSeconds, tokenType: 'Bearer' };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ description: '{ id, username, name, role, siteIds, departments }' })
  me(@CurrentUser() user: AuthUser): AuthUser {
    return user;
  }
}
