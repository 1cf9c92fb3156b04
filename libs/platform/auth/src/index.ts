export * from './auth-user';
export * from './token.service';
export * from './password';
export * from './user.store';
export * from './demo-users';
export * from './login-rate-limiter';
export * from './auth.guard';
export * from './auth.controller';
