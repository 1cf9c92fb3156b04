import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { evolve, initialState, type ComplaintEvent, type ComplaintState } from '@complaints/domain';
import { complaintStreamId } from '@complaints/contracts';
import { verifyChain, type EventStore, type RecordedEvent } from '@complaints/event-store';
import { CurrentUser, EVENT_STORE, badRequest, notFound, type ActingUser } from '@complaints/service-kit';
import { presentComplaint, type ComplaintView } from '../complaint-view/complaint-view.presenter';

type HistoryEntry = {
  seq: number;
  type: string;
  at: string;
  recordedAt: string;
  actor: { id: string; role: string } | null;
  data: Record<string, unknown>;
  hash: string | null;
  prevHash: string | null;
};

/**
 * Audit (稽核): the complaint's stream straight from the event store — who did what and
 * when, the state at any past moment, and the hash chain's verdict.
 */
@ApiTags('audit')
@Controller('complaints')
export class AuditController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  private async stream(id: string): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(complaintStreamId(id));
    if (events.length === 0) throw notFound(`Complaint ${id} not found`);
    return events;
  }

  @Get(':id/history')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 instant: only events recorded by then, and the state they produce' })
  @ApiOkResponse({ description: '{ events: [ { seq, type, at, actor, data, hash, prevHash } ], stateAsOf? }' })
  async history(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: ActingUser,
    @Query('asOf') asOf?: string,
  ): Promise<{ events: HistoryEntry[]; stateAsOf?: ComplaintView | null }> {
    let cutoff: number | undefined;
    if (asOf !== undefined) {
      cutoff = Date.parse(asOf);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(asOf) || Number.isNaN(cutoff)) throw badRequest('asOf must be an ISO-8601 time', [{ field: 'asOf', problem: 'must be an ISO-8601 time' }]);
    }
    const all = await this.stream(id);
    const events = cutoff === undefined ? all : all.filter((e) => e.recordedAt.getTime() <= (cutoff as number));
    const entries = events.map((e) => ({
      seq: Number(e.revision) + 1,
      type: e.type,
      at: typeof e.metadata.occurredAt === 'string' ? e.metadata.occurredAt : e.recordedAt.toISOString(),
      recordedAt: e.recordedAt.toISOString(),
      actor: e.metadata.actor ?? null,
      data: e.data,
      hash: e.metadata.hash ?? null,
      prevHash: e.metadata.prevHash ?? null,
    }));
    if (cutoff === undefined) return { events: entries };
    const state = events.reduce<ComplaintState>((s, e) => evolve(s, { type: e.type, data: e.data } as unknown as ComplaintEvent), initialState());
    return { events: entries, stateAsOf: state.exists ? presentComplaint(state, user.role, new Date(cutoff)) : null };
  }

  @Get(':id/verify')
  @ApiOkResponse({ description: '{ valid, events, brokenAt? }' })
  async verify(@Param('id', new ParseUUIDPipe()) id: string): Promise<{ valid: boolean; events: number; brokenAt?: number; reason?: string }> {
    return verifyChain(await this.stream(id));
  }
}
