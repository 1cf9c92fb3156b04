/** Injection tokens for the platform's ports, so services depend on ports, not adapters. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
export const PG_POOL = Symbol('PG_POOL');
export const TOPICS = Symbol('TOPICS');
export const METRICS = Symbol('METRICS');
/** The process's JSON logger (pino), for the request log middleware. */
export const JSON_LOGGER = Symbol('JSON_LOGGER');
