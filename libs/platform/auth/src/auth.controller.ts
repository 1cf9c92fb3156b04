import { Body, Controller, Get, HttpCode, HttpException, Inject, Ip, Post, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { AuthUser } from './auth-user';
import { CurrentUser, Public } from './auth.guard';
import { LoginRateLimiter } from './login-rate-limiter';
import { TokenService } from './token.service';
import { UserStore } from './user.store';

export class LoginDto {
  @ApiProperty({ example: 'duty.a' }) @IsString() @IsNotEmpty() @MaxLength(100) username!: string;
  @ApiProperty({ example: 'demo1234' }) @IsString() @IsNotEmpty() @MaxLength(200) password!: string;
}

export const USER_STORE = Symbol('USER_STORE');

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  private readonly limiter = new LoginRateLimiter();

  constructor(
    @Inject(USER_STORE) private readonly users: UserStore,
    private readonly tokens: TokenService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ description: '{ accessToken, expiresIn }' })
  async login(@Body() body: LoginDto, @Ip() ip: string): Promise<{ accessToken: string; expiresIn: number; tokenType: 'Bearer' }> {
    const key = `${ip}|${body.username.toLowerCase()}`;
    const wait = this.limiter.retryAfter(key);
    if (wait > 0) throw new HttpException(`Too many failed sign-in attempts; try again in ${wait} s`, 429);
    const user = await this.users.authenticate(body.username, body.password);
    if (!user) {
      this.limiter.recordFailure(key);
      throw new UnauthorizedException('Wrong username or password');
    }
    this.limiter.reset(key);
    return { accessToken: await this.tokens.issue(user), expiresIn: this.tokens.ttlSeconds, tokenType: 'Bearer' };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ description: '{ id, username, name, role, siteIds, departments }' })
  me(@CurrentUser() user: AuthUser): AuthUser {
    return user;
  }
}
