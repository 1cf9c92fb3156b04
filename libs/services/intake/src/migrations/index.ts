import { IntakeInitial1765000000000 } from './1765000000000-intake-initial';

export const INTAKE_MIGRATIONS = [IntakeInitial1765000000000];
