import { recordsSchedulerSettings } from './records-scheduler.service';

describe('Records scheduler settings (RECORDS_SCHEDULER_ENABLED, RECORDS_SCHEDULER_INTERVAL_MS)', () => {
  it('should run by default in the reporting process and where the deadline scheduler runs (embedded default), not elsewhere', () => {
    expect(recordsSchedulerSettings({ processName: 'reporting', schedulerEnabled: false }, {}).enabled).toBe(true);
    expect(recordsSchedulerSettings({ processName: 'embedded', schedulerEnabled: true }, {}).enabled).toBe(true);
    expect(recordsSchedulerSettings({ processName: 'embedded', schedulerEnabled: false }, {}).enabled).toBe(false);
    expect(recordsSchedulerSettings({ processName: 'intake', schedulerEnabled: false }, {}).enabled).toBe(false);
  });

  it('should follow the setting when given, and take a sane interval', () => {
    expect(recordsSchedulerSettings({ processName: 'reporting', schedulerEnabled: false }, { RECORDS_SCHEDULER_ENABLED: 'false' }).enabled).toBe(false);
    expect(recordsSchedulerSettings({ processName: 'intake', schedulerEnabled: false }, { RECORDS_SCHEDULER_ENABLED: 'true' }).enabled).toBe(true);
    expect(recordsSchedulerSettings({ processName: 'reporting', schedulerEnabled: false }, {}).intervalMs).toBe(60_000);
    expect(recordsSchedulerSettings({ processName: 'reporting', schedulerEnabled: false }, { RECORDS_SCHEDULER_INTERVAL_MS: '2500' }).intervalMs).toBe(2_500);
    expect(recordsSchedulerSettings({ processName: 'reporting', schedulerEnabled: false }, { RECORDS_SCHEDULER_INTERVAL_MS: 'soon' }).intervalMs).toBe(60_000);
  });
});
