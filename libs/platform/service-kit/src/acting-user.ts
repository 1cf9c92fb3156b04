import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Who is making the request. Until sign-in lands (issue "Security"), the acting user
 * comes from the `X-Actor-Id` / `X-Actor-Role` headers with a customer-assistant
 * default; this decorator is the one place that will read the verified token instead.
 */
export type ActingUser = { id: string; role: string; name?: string };

export const DEFAULT_ACTING_USER: ActingUser = { id: 'demo-cs-assistant', role: 'cs_assistant', name: 'Demo customer assistant' };

export const actingUserFrom = (request: Pick<Request, 'header'>): ActingUser => {
  const id = request.header('x-actor-id');
  const role = request.header('x-actor-role');
  return id && role ? { id, role } : DEFAULT_ACTING_USER;
};

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): ActingUser =>
  actingUserFrom(context.switchToHttp().getRequest<Request>()),
);
