import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { Response } from 'express';
import { CurrentUser, badRequest, type ActingUser } from '@complaints/service-kit';
import { ChangeFeed, visibleTo, type ComplaintChange } from './change-feed';

const POSITION = /^\d{1,30}$/;

export class ChangeStreamQueryDto {
  @ApiPropertyOptional({ description: 'Resume after this event id (the same as the Last-Event-ID header, for clients that cannot set headers)', example: '1042' })
  @IsOptional()
  @Matches(POSITION, { message: 'lastEventId must be an event id of this stream (digits)' })
  lastEventId?: string;
}

/** How often a comment line keeps proxies from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;

/** When the bearer token (already verified by the guard) runs out, in ms from now; undefined if it names no expiry. */
export const tokenLifetimeMs = (authorization: string | undefined, now = Date.now()): number | undefined => {
  const payload = authorization?.replace(/^Bearer\s+/i, '').split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? Math.max(0, exp * 1000 - now) : undefined;
  } catch {
    return undefined;
  }
};

const frame = (event: string, data: unknown, id?: string): string => `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** What a client is told of a change: no site or department beyond what it may read anyway, no personal data. */
const wire = (c: ComplaintChange) => ({ complaintId: c.complaintId, version: c.version, changes: c.changes, siteId: c.siteId, department: c.department });

/**
 * The live stream (Server-Sent Events) of read-model changes a dashboard listens to: each
 * `change` event names a complaint, the version its view now has and the event types
 * that made it, once the projections have applied them; the caller hears only of
 * complaints they may read (their sites; department staff their departments).
 */
@ApiTags('live')
@Controller('events')
export class ChangeStreamController {
  constructor(private readonly feed: ChangeFeed) {}

  @Get('stream')
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last event received: the changes after it (already applied) are replayed first' })
  @ApiOkResponse({
    description:
      'text/event-stream: `ready` (data { resumed, complete }), then `change` events (id = store position; data { complaintId, version, changes: [event type], siteId, department }); `reset` when a resume is too far behind to replay (reload everything); a comment every 15 s',
  })
  async stream(
    @Query() query: ChangeStreamQueryDto,
    @Headers('last-event-id') header: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @CurrentUser() user: ActingUser,
    @Res() res: Response,
  ): Promise<void> {
    const resumeFrom = header?.trim() || query.lastEventId;
    if (resumeFrom !== undefined && !POSITION.test(resumeFrom)) throw badRequest('Last-Event-ID must be an event id of this stream', [{ field: 'Last-Event-ID', problem: 'not an event id (digits)', code: 'problem.bad_format' }], 'error.validation', { fields: ['Last-Event-ID'] });

    // Listen first, then replay: a change applied meanwhile is either replayed or heard live (a client may get it twice; versions tell).
    const pending: ComplaintChange[][] = [];
    let open = true;
    let replaying = true;
    const send = (changes: ComplaintChange[]) => {
      for (const c of changes) if (visibleTo(user, c)) res.write(frame('change', wire(c), c.position));
    };
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      clearTimeout(expiry);
      unsubscribe();
      res.end();
    };
    const unsubscribe = this.feed.subscribe((changes) => {
      if (!open) return;
      if (replaying) pending.push(changes);
      else send(changes);
    }, close);
    const heartbeat = setInterval(() => open && res.headersSent && res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    // A stream lasts no longer than the token that opened it: the client reconnects with a fresh one (or signs in again).
    const lifetime = tokenLifetimeMs(authorization);
    const expiry = lifetime === undefined ? undefined : setTimeout(close, Math.min(lifetime, 2 ** 31 - 1));
    // The client went away (or the response ended): stop listening.
    res.on('close', close);

    try {
      const replay = resumeFrom !== undefined ? await this.feed.replay(BigInt(resumeFrom)) : undefined;
      if (!open) return;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // nginx: pass the stream through unbuffered.
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      res.write(frame('ready', { resumed: replay !== undefined, complete: replay?.complete ?? true }));
      if (replay && !replay.complete) res.write(frame('reset', { reason: 'too far behind to replay: reload' }));
      if (replay) send(replay.changes);
      replaying = false;
      for (const changes of pending.splice(0)) send(changes);
    } catch (error) {
      replaying = false;
      if (!res.headersSent) {
        open = false;
        clearInterval(heartbeat);
        clearTimeout(expiry);
        unsubscribe();
        throw error;
      }
      close();
    }
  }
}
