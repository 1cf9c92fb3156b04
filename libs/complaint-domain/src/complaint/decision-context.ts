/**
 * What `decide` needs besides the command and the state: the resolved policy for the site
 * and the site's working calendar. The service resolves both (group → region → site policy,
 * holiday table + site closures + zone) and passes them as the third argument of `decide`.
 * Omitted parts default to DEFAULT_POLICY and the national Asia/Shanghai calendar.
 */
import { createWorkingCalendar, defaultWorkingCalendar, type WorkingCalendar } from '../calendar/working-calendar';
import { DEFAULT_TIME_ZONE } from '../calendar/time-zone';
import { DEFAULT_POLICY, type ComplaintPolicy } from '../policy/policy';

export type DecisionContext = { policy: ComplaintPolicy; calendar: WorkingCalendar };

const calendarsByZone = new Map<string, WorkingCalendar>();

export const resolveDecisionContext = (context?: Partial<DecisionContext>): DecisionContext => {
  const policy = context?.policy ?? DEFAULT_POLICY;
  if (context?.calendar) return { policy, calendar: context.calendar };
  if (policy.timeZone === DEFAULT_TIME_ZONE) return { policy, calendar: defaultWorkingCalendar() };
  let calendar = calendarsByZone.get(policy.timeZone);
  if (!calendar) {
    calendar = createWorkingCalendar({ timeZone: policy.timeZone });
    calendarsByZone.set(policy.timeZone, calendar);
  }
  return { policy, calendar };
};
