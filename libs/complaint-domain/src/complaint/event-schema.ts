/**
 * Event schema evolution: the one stored → domain converter.
 *
 * Every complaint event is stored with the schema version of its type (`metadata.schemaVersion`,
 * stamped by the command path from `eventSchemaVersion`). Stored events are never rewritten
 * (the hash chain covers them as stored); instead every reader — the command path's fold, the
 * read-model projections, the audit view and its verification — turns what it read into the
 * current domain event with `toDomainEvent`, which runs the type's upcasters from the stored
 * version up to the current one. An event stored without a version (written before versions
 * were stamped) is version 1.
 *
 * To change an event's shape: bump its version in CURRENT_VERSIONS and add the upcaster from
 * the previous version — a pure function of the old data alone.
 */
import type { ComplaintEvent, ComplaintEventType } from './complaint.events';
import { COMPLAINT_EVENT_TYPES } from './complaint.events';

type Data = Record<string, unknown>;
type Upcaster = (data: Data) => Data;

/** The current schema version of each event type (1 unless listed). */
const CURRENT_VERSIONS: Partial<Record<ComplaintEventType, number>> = {
  PersonalDataErased: 2,
};

/**
 * Upcasters by type and by the version they read: `UPCASTERS[type][v]` turns version v into v + 1.
 */
const UPCASTERS: Partial<Record<ComplaintEventType, Record<number, Upcaster>>> = {
  PersonalDataErased: {
    // v1 → v2: the erasure names the fields it erased (`fields`, required since the flat number
    // became personal data too). A v1 erasure named none: it erased the name and the phone,
    // the personal fields there were then.
    1: (data) => (Array.isArray(data.fields) ? data : { ...data, fields: ['complainant.name', 'complainant.phone'] }),
  },
};

const KNOWN = new Set<string>(COMPLAINT_EVENT_TYPES);

/** The schema version an event of `type` is stored with now. */
export const eventSchemaVersion = (type: string): number => CURRENT_VERSIONS[type as ComplaintEventType] ?? 1;

/** The version a stored event says it has (1 when it says none). */
export const storedSchemaVersion = (metadata: { schemaVersion?: unknown; [key: string]: unknown } | undefined): number => {
  const v = metadata?.schemaVersion;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : 1;
};

/** A stored event as any reader has it: its type, its data, and its metadata (with the schema version). */
export type StoredComplaintEvent = { type: string; data: unknown; metadata?: { schemaVersion?: unknown; [key: string]: unknown } };

/** The stored data brought up to the current schema of its type (unchanged when already current). */
export const upcastEventData = (type: string, data: unknown, fromVersion: number): Data => {
  let current = (typeof data === 'object' && data !== null ? data : {}) as Data;
  const steps = UPCASTERS[type as ComplaintEventType] ?? {};
  for (let v = fromVersion; v < eventSchemaVersion(type); v++) {
    const step = steps[v];
    if (step) current = step(current);
  }
  return current;
};

/**
 * The one stored → domain converter: the current domain event for a stored one, or undefined
 * for a type this build does not know (written by a newer service: a tolerant reader passes it over).
 */
export const toDomainEvent = (stored: StoredComplaintEvent): ComplaintEvent | undefined => {
  if (!KNOWN.has(stored.type)) return undefined;
  return { type: stored.type, data: upcastEventData(stored.type, stored.data, storedSchemaVersion(stored.metadata)) } as ComplaintEvent;
};
