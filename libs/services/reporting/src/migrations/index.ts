import { ReportingInitial1764000000000 } from './1764000000000-reporting-initial';
import { ReportingProjections1764100000000 } from './1764100000000-reporting-projections';
import { ReportingStateJson1764200000000 } from './1764200000000-reporting-state-json';
import { ReportingRecords1765000000000 } from './1765000000000-reporting-records';
import { RecordsDesk1765100000000 } from './1765100000000-records-desk';
import { ReportingReadIndexes1765200000000 } from './1765200000000-reporting-read-indexes';

export const REPORTING_MIGRATIONS = [
  ReportingInitial1764000000000,
  ReportingProjections1764100000000,
  ReportingStateJson1764200000000,
  ReportingRecords1765000000000,
  RecordsDesk1765100000000,
  ReportingReadIndexes1765200000000,
];
