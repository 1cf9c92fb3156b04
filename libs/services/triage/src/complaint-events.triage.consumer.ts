import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { ComplaintEventMessage } from '@complaints/contracts';
import { isDomainError, suggestTriage, type Complaint } from '@complaints/domain';
import type { DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, CLOCK, ComplaintEventsConsumer, type Clock } from '@complaints/service-kit';
import { ComplaintCommandRunner, ServiceReadModel, SiteDirectory, projectedFromMessage } from '@complaints/service-common';
import { TRIAGE_READ_MODEL } from './projections/triage-projections';

const AUTO_TRIAGE_ACTOR = { id: 'system:auto-triage', role: 'system' as const, name: 'Automatic triage' };

/**
 * Feeds triage's projections (the duty officer's inbox, 判别: `triage-inbox`) from the bus,
 * and then runs triage's reaction: where the site's policy lists the suggested category, the
 * triage suggestion is applied automatically. A duty officer's triage still wins (domain
 * rule). The reaction lives here, on the live path only: a rebuild of the inbox never
 * triages anything.
 */
const GROUP = 'triage';

@Controller()
export class TriageComplaintEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  constructor(
    @Inject(TRIAGE_READ_MODEL) private readonly readModel: ServiceReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ComplaintCommandRunner,
    private readonly sites: SiteDirectory,
  ) {
    super();
  }

  @BusEventPattern('complaint-events', { group: GROUP })
  onComplaintEvents(@Payload() messages: DeliveredMessage[]): Promise<void> {
    return this.consume(messages);
  }

  protected async applyBatch(events: ComplaintEventMessage[]): Promise<void> {
    await this.readModel.applyLive(events.map(projectedFromMessage));
    // Also for a redelivered registration: a crash may have come between the inbox row and
    // the automatic triage (which is idempotent by its key).
    for (const event of events) if (event.type === 'ComplaintRegistered') await this.autoTriage(event.complaintId);
  }

  private async autoTriage(complaintId: string): Promise<void> {
    const state = await this.runner.stateOf(complaintId);
    if (!state.exists || state.status !== 'registered') return;
    const policy = this.sites.policy(state.siteId);
    if (policy.triage.autoApplyCategories.length === 0) return;
    const suggestion = suggestTriage(suggestionInput(state), policy);
    if (!policy.triage.autoApplyCategories.includes(suggestion.category)) return;
    try {
      await this.runner.run(
        complaintId,
        {
          type: 'TriageComplaint',
          data: {
            nature: suggestion.nature,
            severity: suggestion.severity,
            urgency: suggestion.urgency,
            major: suggestion.major || null,
            majorReasons: suggestion.majorReasons.length ? suggestion.majorReasons : null,
            category: suggestion.category,
            department: suggestion.department,
            // The reasons as codes with parameters: each reader sees them in their language (the shared catalogue).
            explanations: suggestion.explanations,
          },
          metadata: { now: this.clock.now().toISOString(), actor: AUTO_TRIAGE_ACTOR },
        },
        { idempotencyKey: `auto-triage:${complaintId}`, context: { policy } },
      );
    } catch (error) {
      // A duty officer got there first, or the suggestion does not fit: nothing to do.
      if (!isDomainError(error)) throw error;
      this.logger.debug(`automatic triage of ${complaintId} not applied: ${error.message}`);
    }
  }
}

export const suggestionInput = (state: Complaint) => ({
  channel: state.channel,
  title: state.title,
  description: state.description,
  request: state.request,
  categoryHint: state.categoryHint,
  householdCount: state.householdCount,
  repeatCount: state.repeatCount,
  occurredAt: state.occurredAt,
  receivedAt: state.receivedAt,
});
