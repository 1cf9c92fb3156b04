/**
 * Event schema evolution (issue 14): each stored event carries the schema version of its type;
 * one converter (toDomainEvent) upcasts older versions for every reader.
 */
import { COMPLAINT_ID, T0, actors, history, plusHours } from '../testing/complaint.fixtures';
import { evolve, initialState, type ComplaintState } from './complaint.state';
import { eventSchemaVersion, storedSchemaVersion, toDomainEvent, type StoredComplaintEvent } from './event-schema';
import { ERASED_PERSONAL_VALUE } from './personal-data';

/** An erasure as version 1 stored it: no `fields` (it erased the name and the phone). */
const v1Erasure: StoredComplaintEvent = {
  type: 'PersonalDataErased',
  data: { complaintId: COMPLAINT_ID, at: plusHours(T0, 5), actor: actors.admin, reason: '业主申请删除个人信息' },
  metadata: { actor: { id: 'u-admin', role: 'admin' } },
};

const fold = (events: StoredComplaintEvent[], from: ComplaintState): ComplaintState =>
  events.reduce((state, e) => {
    const domainEvent = toDomainEvent(e);
    return domainEvent ? evolve(state, domainEvent) : state;
  }, from);

describe('Event schema versions and upcasters (one stored → domain converter)', () => {
  it('should stamp each type with its current version (PersonalDataErased 2, the rest 1) and read an unstamped event as version 1', () => {
    expect([eventSchemaVersion('PersonalDataErased'), eventSchemaVersion('ComplaintRegistered'), eventSchemaVersion('WrittenReportRecorded')]).toEqual([2, 1, 1]);
    expect([storedSchemaVersion(undefined), storedSchemaVersion({}), storedSchemaVersion({ schemaVersion: 2 }), storedSchemaVersion({ schemaVersion: 'x' })]).toEqual([1, 1, 2, 1]);
  });

  it('given a version-1 erasure (no fields), when it is read, then it names the name and the phone, and folding it erases both', () => {
    expect(toDomainEvent(v1Erasure)).toEqual({ type: 'PersonalDataErased', data: { ...(v1Erasure.data as object), fields: ['complainant.name', 'complainant.phone'] } });
    const registered = history().register().state;
    const state = fold([v1Erasure], registered);
    expect(state.exists && [state.complainant.name, state.complainant.phone, state.complainant.unit]).toEqual([ERASED_PERSONAL_VALUE, ERASED_PERSONAL_VALUE, '1201']);
  });

  it('given a current (version-2) erasure, when it is read, then it is taken as stored', () => {
    const v2: StoredComplaintEvent = { ...v1Erasure, data: { ...(v1Erasure.data as object), fields: ['complainant.unit'] }, metadata: { schemaVersion: 2 } };
    expect(toDomainEvent(v2)?.data).toEqual(v2.data);
    const state = fold([v2], history().register().state);
    expect(state.exists && [state.complainant.name, state.complainant.unit]).toEqual(['业主 刘先生', ERASED_PERSONAL_VALUE]);
  });

  it('given an event type this build does not know (a newer writer), then the converter passes it over', () => {
    expect(toDomainEvent({ type: 'SomethingNew', data: {}, metadata: { schemaVersion: 1 } })).toBeUndefined();
    expect(fold([{ type: 'SomethingNew', data: {} }], initialState())).toEqual(initialState());
  });
});
