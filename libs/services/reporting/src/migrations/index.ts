import { ReportingInitial1764000000000 } from './1764000000000-reporting-initial';
import { ReportingProjections1764100000000 } from './1764100000000-reporting-projections';
import { ReportingReadIndexes1764200000000 } from './1764200000000-reporting-read-indexes';

export const REPORTING_MIGRATIONS = [ReportingInitial1764000000000, ReportingProjections1764100000000, ReportingReadIndexes1764200000000];
