import { CallbackInitial1765000000000 } from './1765000000000-callback-initial';

export const CALLBACK_MIGRATIONS = [CallbackInitial1765000000000];
