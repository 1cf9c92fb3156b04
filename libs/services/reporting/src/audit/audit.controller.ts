import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { initialState, mapPersonalValues, personalValueFor, type ComplaintState } from '@complaints/domain';
import { ComplaintPersonalData } from '@complaints/service-common';
import { complaintStreamId } from '@complaints/contracts';
import { verifyStoredStream, type EventStore, type RecordedEvent } from '@complaints/event-store';
import { CurrentUser, EVENT_STORE, badRequest, notFound, type ActingUser } from '@complaints/service-kit';
import { presentComplaints, type ComplaintView } from '../complaint-view/complaint-view.presenter';
import { assertComplaint } from '../access/reporting-access';
import { evolveComplaint } from '../projections/complaint-stream';

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'ISO-8601 instant: only events recorded by then, and the state they produce' })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}

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

const fold = (events: RecordedEvent[]): ComplaintState => events.reduce<ComplaintState>((s, e) => evolveComplaint(s, e), initialState());

/**
 * Audit (稽核): the complaint's stream straight from the event store — who did what and
 * when, the state at any past moment, and the hash chain's verdict.
 */
@ApiTags('audit')
@Controller('complaints')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: ComplaintPersonalData,
  ) {}

  /** The stream, for a user allowed to see the complaint (its site and department now). */
  private async stream(id: string, user: ActingUser): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(complaintStreamId(id));
    if (events.length === 0) throw notFound(`Complaint ${id} not found`, 'error.complaint_not_found');
    const state = fold(events);
    if (state.exists) assertComplaint(user, state);
    return events;
  }

  @Get(':id/history')
  @ApiOkResponse({ description: '{ events: [ { seq, type, at, actor, data, hash, prevHash } ], stateAsOf? }' })
  async history(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: ActingUser,
    @Query() query: HistoryQueryDto,
  ): Promise<{ events: HistoryEntry[]; stateAsOf?: ComplaintView | null }> {
    const { asOf } = query;
    let cutoff: number | undefined;
    if (asOf !== undefined) {
      cutoff = Date.parse(asOf);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(asOf) || Number.isNaN(cutoff)) throw badRequest('asOf must be an ISO-8601 time', [{ field: 'asOf', problem: 'must be an ISO-8601 time', code: 'problem.not_a_time' }]);
    }
    const all = await this.stream(id, user);
    const events = cutoff === undefined ? all : all.filter((e) => e.recordedAt.getTime() <= (cutoff as number));
    // Personal values are opened (or read as erased) and masked for roles that may not see them;
    // `verify` checks the chain over what is stored, the ciphertext.
    // (the name, the phone and the flat number, as in the view).
    const shown = (await this.personalData.openEvents(events)).map((e) => mapPersonalValues(e, (value, field) => personalValueFor(value, field, user.role)));
    const entries = shown.map((e) => ({
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
    const state = fold(events);
    if (!state.exists) return { events: entries, stateAsOf: null };
    const [stateAsOf] = await presentComplaints([state], user.role, new Date(cutoff), (states) => this.personalData.openComplaints(states));
    return { events: entries, stateAsOf };
  }

  @Get(':id/verify')
  @ApiOkResponse({
    description:
      '{ valid, events, brokenAt?, reason? } — the chain checked with the key kept outside the database (events since chain v2: keyed, revision and recorded time included) and against the stream\'s signed head, so an edited, re-hashed or truncated stream is invalid. reason: hash_mismatch, prev_hash_mismatch, missing_hash, revision_mismatch, recorded_at_mismatch, chain_downgrade, no_chain_key, head_missing, head_mismatch, truncated',
  })
  async verify(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: ActingUser): Promise<{ valid: boolean; events: number; brokenAt?: number; reason?: string }> {
    await this.stream(id, user);
    return (await verifyStoredStream(this.store, complaintStreamId(id))).verification;
  }
}
