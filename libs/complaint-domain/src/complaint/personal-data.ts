/**
 * Personal data of the complainant (个人信息): which values in which events are personal,
 * who may read them in full, and what they read as once erased.
 *
 * History is immutable, so personal values are stored encrypted with a key of their own
 * (crypto-shredding, done by the platform outside the domain): erasing destroys the key
 * and the stored values become unreadable while every event, its hash and its chain stay
 * as they were. The domain sees the stored (opaque) values and never needs the plaintext
 * to decide; it only has to know where the values are.
 */
import type { Role } from '../common/actor';
import type { ComplaintEvent } from './complaint.events';

/**
 * The complainant fields that identify a person: encrypted at rest, erasable. The flat
 * number (房号) too: with the building it names the complainant's home.
 */
export const PERSONAL_FIELDS = ['complainant.name', 'complainant.phone', 'complainant.unit', 'complainant.email'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** What an erased personal value reads as, in state, views, read models and history. */
export const ERASED_PERSONAL_VALUE = '[erased]';

/**
 * Who may read a complainant's name and phone in full: the roles that deal with the
 * complainant directly. Everyone else (department staff, leadership, auditors) sees
 * them masked.
 */
export const CONTACT_ROLES: readonly Role[] = ['duty_officer', 'cs_assistant', 'cs_supervisor', 'cs_manager', 'general_manager', 'admin'];
export const mayReadContact = (role: string): boolean => (CONTACT_ROLES as readonly string[]).includes(role);

export const isPersonalField = (field: unknown): field is PersonalField => (PERSONAL_FIELDS as readonly unknown[]).includes(field);

type Transform = (value: string, field: PersonalField) => string;

const mapRecord = <T extends Record<string, unknown>>(record: T, keys: readonly string[], field: (key: string) => PersonalField, transform: Transform): T => {
  let changed: Record<string, unknown> | undefined;
  for (const key of keys) {
    const value = record[key];
    if (typeof value !== 'string' || value === ERASED_PERSONAL_VALUE) continue;
    const next = transform(value, field(key));
    if (next === value) continue;
    changed ??= { ...record };
    changed[key] = next;
  }
  return (changed ?? record) as T;
};

/**
 * The event with every personal value passed through `transform` (encrypt, decrypt,
 * mask); everything else untouched, and the very same object when nothing changes.
 * Personal values live in ComplaintRegistered (`complainant.name`, `.phone`, `.unit`, `.email`),
 * in corrections of those fields (`value`, `previousValue`) and in the file name of an
 * attachment marked personal (treated as the name). Erased markers are
 * never transformed.
 */
export const mapPersonalValues = <E extends { type: string; data: object }>(event: E, transform: Transform): E => {
  const data = event.data as Record<string, unknown>;
  if (event.type === 'ComplaintRegistered') {
    const complainant = data['complainant'];
    if (typeof complainant !== 'object' || complainant === null) return event;
    const next = mapRecord(complainant as Record<string, unknown>, ['name', 'phone', 'unit', 'email'], (key) => `complainant.${key}` as PersonalField, transform);
    return next === complainant ? event : { ...event, data: { ...data, complainant: next } };
  }
  // A personal attachment's file name (e.g. 孙女士身份证.jpg) names the complainant: sealed like
  // the name, read masked like it, erased with it (complaint.attachments.ts).
  if (event.type === 'AttachmentAdded' && data['personal'] === true) {
    const next = mapRecord(data, ['fileName'], () => 'complainant.name', transform);
    return next === data ? event : { ...event, data: next };
  }
  if (event.type === 'ComplaintCorrected' && isPersonalField(data['field'])) {
    const field = data['field'];
    const next = mapRecord(data, ['value', 'previousValue'], () => field, transform);
    return next === data ? event : { ...event, data: next };
  }
  return event;
};

/** Whether an event carries personal values at all (cheap pre-check for the platform). */
export const carriesPersonalData = (event: Pick<ComplaintEvent, 'type' | 'data'> | { type: string; data: object }): boolean => {
  let found = false;
  mapPersonalValues(event, (value) => {
    found = true;
    return value;
  });
  return found;
};
