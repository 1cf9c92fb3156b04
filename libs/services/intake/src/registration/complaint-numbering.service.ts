import { Inject, Injectable } from '@nestjs/common';
import {
  complaintNumber,
  decideYearlyCounter,
  evolveYearlyCounter,
  initialYearlyCounterState,
  numberingYear,
  serialOf,
  yearlyCounterStreamName,
  type AllocateComplaintSerial,
  type ComplaintSerialAllocated,
  type YearlyCounterState,
} from '@complaints/domain';
import { handleCommand, type EventStore } from '@complaints/event-store';
import { EVENT_STORE } from '@complaints/service-kit';
import { deterministicUuid, SiteDirectory } from '@complaints/service-common';

/**
 * Hands out the gap-free yearly serial of a site (see the domain's yearly-counter
 * decider): one counter stream per site and year, appended with the expected revision,
 * the allocation naming the complaint so a retry gets the same number back.
 */
@Injectable()
export class ComplaintNumberingService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly sites: SiteDirectory,
  ) {}

  async allocate(siteId: string, complaintId: string, receivedAt: string): Promise<string> {
    const site = this.sites.site(siteId);
    const year = numberingYear(receivedAt, site.timeZone);
    const command: AllocateComplaintSerial = { type: 'AllocateComplaintSerial', data: { siteId, year, complaintId }, metadata: { now: receivedAt } };
    const result = await handleCommand<YearlyCounterState, AllocateComplaintSerial, ComplaintSerialAllocated>(
      this.store,
      yearlyCounterStreamName(siteId, year),
      { initialState: initialYearlyCounterState, evolve: evolveYearlyCounter, decide: decideYearlyCounter },
      command,
      {
        metadata: { actor: { id: 'system:numbering', role: 'system' }, occurredAt: receivedAt, causationId: complaintId },
        eventIds: () => [deterministicUuid(`serial:${siteId}:${year}:${complaintId}`)],
        maxAttempts: 50,
      },
    );
    const serial = serialOf(result.state, complaintId);
    if (serial === undefined) throw new Error(`no serial allocated for ${complaintId}`);
    return complaintNumber(site.code, receivedAt, serial, site.timeZone);
  }
}
