import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { localDateOf, previousMonthOf } from '@complaints/domain';
import { SiteDirectory } from '@complaints/service-common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@complaints/service-kit';
import { sitesWithComplaints } from '../monthly-report/monthly-report.query';
import { RECORDS_SCHEDULER_ACTOR, RecordsService } from './records.service';

export type RecordsSchedulerSettings = { enabled: boolean; intervalMs: number };

/**
 * `RECORDS_SCHEDULER_ENABLED` (default: on where the deadline scheduler runs — the embedded
 * default — and in the reporting process) and `RECORDS_SCHEDULER_INTERVAL_MS` (default 60 000).
 */
export const recordsSchedulerSettings = (config: Pick<PlatformConfig, 'schedulerEnabled' | 'processName'>, env: NodeJS.ProcessEnv = process.env): RecordsSchedulerSettings => {
  const raw = env.RECORDS_SCHEDULER_ENABLED;
  const enabled = raw === undefined || raw === '' ? config.schedulerEnabled || config.processName === 'reporting' : ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
  const interval = Number(env.RECORDS_SCHEDULER_INTERVAL_MS ?? 60_000);
  return { enabled, intervalMs: Number.isInteger(interval) && interval >= 100 ? interval : 60_000 };
};

export type RecordsTickReport = { generated: string[]; chased: string[]; sealed: string[]; failed: string[] };

/**
 * The records desk's clock-driven work, per site, in the site's own calendar:
 *  - from the 1st, the previous month's pack is generated (once: the domain leaves an
 *    existing snapshot alone), and a pack left unsigned after its due day is chased once a day;
 *  - in January, the previous year is sealed (a later run adds an edition only for records
 *    closed into that year since).
 * Every step is idempotent by the domain's rules, so a restart, a missed tick or a second
 * instance changes nothing twice. Time comes from the service's CLOCK (a test clock in tests).
 */
@Injectable()
export class RecordsSchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('records-scheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly records: RecordsService,
    private readonly sites: SiteDirectory,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A failure here must not stop the service: the read models are caught up on every tick.
    await this.records.ensureBuilt().catch((error: unknown) => this.logger.warn(`records read models not built at start: ${String(error)}`));
    const settings = recordsSchedulerSettings(this.config);
    if (!settings.enabled) return;
    this.logger.log(`monthly packs and year-end seals checked every ${settings.intervalMs} ms`);
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.warn(`tick failed: ${String(error)}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, settings.intervalMs);
        });
    };
    this.timer = setTimeout(loop, Math.min(settings.intervalMs, 2_000));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async siteIds(): Promise<string[]> {
    return [...new Set([...this.sites.allSites().map((s) => s.id), ...(await sitesWithComplaints(this.records.dataSource))])].sort();
  }

  /** One pass over every site; what it did, for logs and tests. */
  async tick(): Promise<RecordsTickReport> {
    const report: RecordsTickReport = { generated: [], chased: [], sealed: [], failed: [] };
    await this.records.catchUp();
    const now = this.records.now();
    for (const siteId of await this.siteIds()) {
      const today = localDateOf(now.getTime(), this.records.policy(siteId).timeZone);
      const month = previousMonthOf(today);
      const step = async (what: string, work: () => Promise<boolean>, into: string[]) => {
        try {
          if (await work()) into.push(what);
        } catch (error) {
          report.failed.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
          this.logger.warn(`${what} failed: ${String(error)}`);
        }
      };
      await step(`pack ${siteId} ${month}`, async () => (await this.records.generatePack(siteId, month, RECORDS_SCHEDULER_ACTOR)).generated, report.generated);
      await step(`chase ${siteId} ${month}`, () => this.records.chasePack(siteId, month), report.chased);
      if (today.slice(5, 7) === '01') {
        const year = Number(today.slice(0, 4)) - 1;
        await step(`seal ${siteId} ${year}`, async () => (await this.records.sealYearBySchedule(siteId, year)).sealed, report.sealed);
      }
    }
    return report;
  }
}
