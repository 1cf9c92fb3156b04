import { HandlingInitial1765000000000 } from './1765000000000-handling-initial';
import { HandlingComplainantNotices1765100000000 } from './1765100000000-handling-complainant-notices';
import { HandlingRecordsNotices1765400000000 } from './1765400000000-handling-records-notices';

export const HANDLING_MIGRATIONS = [HandlingInitial1765000000000, HandlingComplainantNotices1765100000000, HandlingRecordsNotices1765400000000];
