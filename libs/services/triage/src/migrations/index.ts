import { TriageInitial1765000000000 } from './1765000000000-triage-initial';

export const TRIAGE_MIGRATIONS = [TriageInitial1765000000000];
