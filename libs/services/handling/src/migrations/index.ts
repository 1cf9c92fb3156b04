import { HandlingInitial1765000000000 } from './1765000000000-handling-initial';

export const HANDLING_MIGRATIONS = [HandlingInitial1765000000000];
