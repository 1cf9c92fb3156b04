import { createHash } from 'node:crypto';
import type { Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { DEFAULT_POLICY, assertValidPolicy, resolvePolicy } from '../policy/policy';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, actors, command, history } from '../testing/complaint.fixtures';
import { attachmentStagesFor, mayReadPersonalAttachment, sniffMediaType, type AddAttachment, type AddAttachmentData } from './complaint.attachments';
import { decide } from './complaint.decider';
import { evolve, foldComplaint, initialState } from './complaint.state';
import { resolveDecisionContext } from './decision-context';
import { carriesPersonalData, mapPersonalValues } from './personal-data';
import { personalValueFor } from './complaint.view';

const given = deciderSpecification({ decide, evolve, initialState });
const NOW = '2025-03-05T02:00:00.000Z';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]);
const sha = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

const photo = (overrides: Partial<AddAttachmentData> = {}): AddAttachmentData => ({
  sha256: sha(JPEG),
  size: JPEG.length,
  mediaType: 'image/jpeg',
  sniffedMediaType: sniffMediaType(JPEG),
  fileName: '漏水照片.jpg',
  stage: 'handling',
  ...overrides,
});
const attach = (data: Partial<AddAttachmentData> = {}, actor: Actor = actors.handler, now = NOW) => command<AddAttachment>('AddAttachment', photo(data), actor, now);

const registered = history().register().events;
const triaged = history().register().triage().events;
const resolved = history().register().triage().firstReply().resolve().events;
const closed = history().register().triage().close().events;

const added = (data: Partial<AddAttachmentData>, actor: Actor) => {
  const d = photo(data);
  return {
    type: 'AttachmentAdded' as const,
    data: { complaintId: COMPLAINT_ID, at: NOW, actor, sha256: d.sha256, size: d.size, mediaType: d.mediaType, fileName: d.fileName, stage: d.stage, personal: d.personal === true },
  };
};

describe('Attachments (证物 / 照片)', () => {
  describe('Rule: the content hash goes into the event, so the hash chain covers the evidence', () => {
    it('given a triaged complaint, when its handler attaches a photo, then AttachmentAdded records the SHA-256, size, type, name and stage', () => {
      given(triaged).when(attach()).then([added({}, actors.handler)]);
    });

    it('given a registered complaint, when the duty officer attaches the complainant’s photo marked personal, then it is recorded as personal registration evidence', () => {
      given(registered)
        .when(attach({ stage: 'registration', personal: true }, actors.dutyOfficer))
        .then([added({ stage: 'registration', personal: true }, actors.dutyOfficer)]);
    });

    it('given a resolved complaint, when the handler attaches the after-photo, then it is resolution evidence', () => {
      given(resolved).when(attach({ stage: 'resolution' })).then([added({ stage: 'resolution' }, actors.handler)]);
    });
  });

  describe('Rule: what may be attached at which stage', () => {
    it('given a registered complaint, when handling evidence is attached before triage, then it is refused naming the status', () => {
      given(registered)
        .when(attach({ stage: 'handling' }, actors.dutyOfficer))
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.currentStatus).toBe('registered'));
    });

    it('given a triaged complaint, when registration evidence is attached, then it is refused (registration evidence comes before triage)', () => {
      given(triaged)
        .when(attach({ stage: 'registration' }, actors.dutyOfficer))
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.currentStatus).toBe('triaged'));
    });

    it('given a resolved complaint, when handling evidence is attached, then it is refused; resolution evidence is still taken', () => {
      given(resolved).when(attach({ stage: 'handling' })).thenThrows(InvalidStateError);
    });

    it('given a closed complaint, when anything is attached, then it is refused', () => {
      given(closed).when(attach({ stage: 'resolution' }, actors.assistant)).thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.currentStatus).toBe('closed'));
    });

    it('given an unknown stage, then it is refused naming the field stage', () => {
      given(triaged)
        .when(attach({ stage: 'later' as never }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['stage']));
    });
  });

  describe('Rule: who may attach', () => {
    it('given the default policy, when an auditor attaches, then it is refused for the role', () => {
      given(triaged).when(attach({}, actors.auditor)).thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('role'));
    });

    it('given the employee the complaint is about, when they attach evidence, then it is refused as a conflict of interest', () => {
      const events = history().register({ subjectEmployeeIds: [actors.otherHandler.id] }).triage({ assignee: actors.handler.id }).events;
      given(events).when(attach({}, actors.otherHandler)).thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('conflict_of_interest'));
    });

    it('given handlers must be the assignee, when another handler attaches handling evidence, then it is refused', () => {
      const policy = resolvePolicy([{ level: 'site', id: 's', version: '1', override: { handling: { handlerMustBeAssignee: true } } }]);
      const spec = deciderSpecification({ decide, evolve, initialState }, { policy });
      spec(history({ policy }).register().triage().events)
        .when(attach({}, actors.otherHandler))
        .thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('not_assignee'));
    });
  });

  describe('Rule: type sniffing — the bytes must be what the upload says', () => {
    it('recognises JPEG, PNG, GIF, WebP and PDF by their magic bytes and nothing else', () => {
      expect(sniffMediaType(JPEG)).toBe('image/jpeg');
      expect(sniffMediaType(PNG)).toBe('image/png');
      expect(sniffMediaType(new TextEncoder().encode('GIF89a....'))).toBe('image/gif');
      expect(sniffMediaType(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe('image/webp');
      expect(sniffMediaType(new TextEncoder().encode('%PDF-1.7\n'))).toBe('application/pdf');
      expect(sniffMediaType(new TextEncoder().encode('<html><script>'))).toBeUndefined();
      expect(sniffMediaType(new Uint8Array([0xff, 0xd8]))).toBeUndefined();
    });

    it('given PNG bytes declared as image/jpeg, then it is refused naming mediaType and what the content is', () => {
      given(triaged)
        .when(attach({ sniffedMediaType: sniffMediaType(PNG), sha256: sha(PNG), size: PNG.length }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'mediaType', problem: 'the content is image/png, not image/jpeg' }]));
    });

    it('given an HTML page declared as image/jpeg, then it is refused naming mediaType', () => {
      given(triaged)
        .when(attach({ sniffedMediaType: null }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details[0]?.field).toBe('mediaType'));
    });

    it('given a type the policy does not accept, then it is refused naming mediaType', () => {
      given(triaged)
        .when(attach({ mediaType: 'text/html', sniffedMediaType: undefined }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details[0]).toEqual({ field: 'mediaType', problem: expect.stringContaining('must be one of image/jpeg') }));
    });
  });

  describe('Rule: size and count limits come from the policy', () => {
    it('given the default 10 MiB limit, when a larger file is attached, then it is refused naming size', () => {
      given(triaged)
        .when(attach({ size: 10 * 1024 * 1024 + 1 }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'size', problem: `at most ${10 * 1024 * 1024} bytes (this file has ${10 * 1024 * 1024 + 1})` }]));
    });

    it('given a site policy of 2 attachments per complaint, when a third is attached, then it is refused naming file', () => {
      const policy = resolvePolicy([{ level: 'site', id: 's', version: '1', override: { attachments: { maxPerComplaint: 2 } } }]);
      const h = history({ policy }).register().triage();
      h.run(attach({ sha256: sha('one') }));
      h.run(attach({ sha256: sha('two') }));
      expect(h.events.filter((e) => e.type === 'AttachmentAdded')).toHaveLength(2);
      deciderSpecification({ decide, evolve, initialState }, { policy })(h.events)
        .when(attach({ sha256: sha('three') }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'file', problem: 'a complaint carries at most 2 attachments' }]));
    });

    it('refuses a policy whose limits could not run, naming the field', () => {
      expect(() => assertValidPolicy({ ...DEFAULT_POLICY, attachments: { maxBytes: 0, maxPerComplaint: 1, mediaTypes: ['text/html'] } })).toThrow(
        expect.objectContaining({ details: [expect.objectContaining({ field: 'attachments.maxBytes' }), expect.objectContaining({ field: 'attachments.mediaTypes' })] }),
      );
    });

    it('given an empty file, a bad hash or a path as file name, then each field is named', () => {
      given(triaged)
        .when(attach({ size: 0, sha256: 'ABC', fileName: '../../etc/passwd' }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field).sort()).toEqual(['fileName', 'sha256', 'size']));
    });
  });

  describe('Rule: dedup by hash — the same bytes twice are one attachment', () => {
    it('given a photo already attached, when the same bytes are attached again (any stage, any name), then nothing happens', () => {
      const first = [...triaged, ...decide(attach(), foldComplaint(triaged))];
      given(first).when(attach({ fileName: 'again.jpg', stage: 'resolution' })).thenNothingHappens();
      const state = foldComplaint(first);
      expect(state.exists && state.attachments).toEqual([{ sha256: sha(JPEG), stage: 'handling', personal: false, mediaType: 'image/jpeg' }]);
    });
  });

  describe('Rule: erased is erased — no personal attachment after the complainant’s data is erased', () => {
    it('given an erased complainant, when a personal photo is attached, then it is refused naming personal; a non-personal one is taken', () => {
      const h = history().register().triage();
      h.run(command('ErasePersonalData', { reason: '业主申请' }, actors.admin, NOW));
      given(h.events)
        .when(attach({ personal: true }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['personal']));
      given(h.events).when(attach({ personal: false })).then([added({}, actors.handler)]);
    });
  });

  describe('Rule: the stages offered are the ones the decider takes', () => {
    const ctx = resolveDecisionContext();
    it('offers registration before triage, handling and resolution while handled, resolution once resolved, none when closed or to an auditor', () => {
      const stages = (events: typeof triaged, actor: Actor) => {
        const state = foldComplaint(events);
        if (!state.exists) throw new Error('no complaint');
        return attachmentStagesFor(state, actor, NOW, ctx);
      };
      expect(stages(registered, actors.dutyOfficer)).toEqual(['registration']);
      expect(stages(triaged, actors.handler)).toEqual(['handling', 'resolution']);
      expect(stages(resolved, actors.handler)).toEqual(['resolution']);
      expect(stages(closed, actors.assistant)).toEqual([]);
      expect(stages(triaged, actors.auditor)).toEqual([]);
    });
  });

  describe('Rule: a personal attachment’s file name is personal data (sealed at rest, masked, erased like the name)', () => {
    it('given a personal attachment, then its file name is the one personal value of the event; a non-personal one carries none', () => {
      const [personal] = decide(attach({ personal: true, fileName: '孙女士身份证.jpg' }), foldComplaint(triaged));
      const [plain] = decide(attach({ personal: false }), foldComplaint(triaged));
      expect(carriesPersonalData(personal)).toBe(true);
      expect(carriesPersonalData(plain)).toBe(false);
      const seen: [string, string][] = [];
      const sealed = mapPersonalValues(personal, (value, field) => {
        seen.push([value, field]);
        return 'pii:v1:sealed';
      });
      expect(seen).toEqual([['孙女士身份证.jpg', 'complainant.name']]);
      expect(sealed.data).toMatchObject({ fileName: 'pii:v1:sealed', sha256: sha(JPEG), personal: true });
      expect(personalValueFor('孙女士身份证.jpg', 'complainant.name', 'auditor')).not.toContain('身份证');
    });
  });

  describe('Rule: a personal attachment is shown in full only to the roles that deal with the complainant', () => {
    it('lets CS staff read it and not department staff, auditors or leadership', () => {
      expect(mayReadPersonalAttachment('cs_assistant')).toBe(true);
      expect(mayReadPersonalAttachment('duty_officer')).toBe(true);
      expect(mayReadPersonalAttachment('handler')).toBe(false);
      expect(mayReadPersonalAttachment('auditor')).toBe(false);
      expect(mayReadPersonalAttachment('leadership')).toBe(false);
    });
  });
});
