import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { ERASED_PERSONAL_VALUE, carriesPersonalData, mapPersonalValues, type Complaint } from '@complaints/domain';
import { PersonalDataErasedError, PersonalDataVault, type EventToAppend, type UnitRecord } from '@complaints/event-store';
import { PG_POOL, PLATFORM_CONFIG, type PlatformConfig } from '@complaints/service-kit';

/**
 * The complainant's personal data at rest (issue "Security" §3): the domain says which
 * values are personal (`mapPersonalValues`), the vault seals them with the complaint's
 * own key and destroys that key on erasure. Writers seal before events are chained and
 * stored; readers open sealed values only when they show them to a person.
 */
@Injectable()
export class ComplaintPersonalData {
  readonly vault: PersonalDataVault;

  constructor(@Inject(PG_POOL) pool: Pool, @Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.vault = new PersonalDataVault(pool, { masterKey: PersonalDataVault.masterKeyFrom(config.personalDataKey), erasedValue: ERASED_PERSONAL_VALUE });
  }

  /** The data subject whose key seals a complaint's complainant. */
  static subjectOf(complaintId: string): string {
    return complaintId;
  }

  /** `handleCommand`'s encode step: seals the personal values of the events of one complaint. */
  encoderFor(complaintId: string): (events: EventToAppend[]) => Promise<EventToAppend[]> {
    return async (events) => {
      if (!events.some(carriesPersonalData)) return events;
      const seal = await this.vault.sealerFor(ComplaintPersonalData.subjectOf(complaintId));
      return events.map((event) => mapPersonalValues(event, seal));
    };
  }

  /**
   * For a unit of work that registers a complaint: a synchronous encoder sealing with the
   * complaint's key, and the records that store a new key with the unit (none when
   * `stored`: the key a unit failed to make because one exists already is used instead).
   */
  async keyForUnit(complaintId: string, stored = false): Promise<{ encode: (events: EventToAppend[]) => EventToAppend[]; records: UnitRecord[] }> {
    const subject = ComplaintPersonalData.subjectOf(complaintId);
    let seal: (plaintext: string) => string;
    let records: UnitRecord[] = [];
    if (stored) {
      const sealer = await this.vault.storedSealer(subject);
      if (!sealer) throw new PersonalDataErasedError(subject);
      seal = sealer;
    } else {
      ({ seal, records } = await this.vault.newSubjectKey(subject));
    }
    return { encode: (events) => (events.some(carriesPersonalData) ? events.map((event) => mapPersonalValues(event, seal)) : events), records };
  }

  /** The events with their personal values opened (plaintext, or the erased marker). */
  async openEvents<E extends { type: string; data: object }>(events: readonly E[]): Promise<E[]> {
    const sealed: string[] = [];
    for (const event of events) {
      mapPersonalValues(event, (value) => {
        sealed.push(value);
        return value;
      });
    }
    if (sealed.length === 0) return [...events];
    const open = await this.vault.openerFor(sealed);
    return events.map((event) => mapPersonalValues(event, open));
  }

  /** Complaint states (from read models) with the complainant's name, phone and flat number opened. */
  async openComplaints(states: readonly Complaint[]): Promise<Complaint[]> {
    const open = await this.vault.openerFor(states.flatMap((s) => [s.complainant?.name, s.complainant?.phone, s.complainant?.unit, s.complainant?.email]));
    return states.map((s) => {
      if (!s.complainant) return s;
      const { name, phone, unit, email } = s.complainant;
      return {
        ...s,
        complainant: {
          ...s.complainant,
          ...(name !== undefined ? { name: open(name) } : {}),
          ...(phone !== undefined ? { phone: open(phone) } : {}),
          ...(unit !== undefined ? { unit: open(unit) } : {}),
          ...(email !== undefined ? { email: open(email) } : {}),
        },
      };
    });
  }

  async openValue(value: string): Promise<string> {
    return (await this.vault.openerFor([value]))(value);
  }

  /** Destroys the complaint's data key (idempotent). */
  erase(complaintId: string): Promise<{ keyDestroyed: boolean }> {
    return this.vault.erase(ComplaintPersonalData.subjectOf(complaintId));
  }

  /** Keyed digest of a phone number for lookups (repeat detection) that must not store it. */
  phoneIndex(phone: string): string {
    return this.vault.blindIndex('phone', phone.replace(/[^0-9+]/g, ''));
  }
}
