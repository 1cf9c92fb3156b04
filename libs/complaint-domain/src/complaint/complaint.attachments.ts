/**
 * Attachments (证物 / 照片): photos and documents added on registration, on any handling step
 * and on the resolution. Content-addressed: the event records the SHA-256 of the bytes (and
 * their size, type and name), so the complaint's hash chain covers the evidence itself; the
 * bytes live in an attachment store outside the event stream (PostgreSQL or an S3-compatible
 * object store), keyed by that hash.
 *
 * Rules (each one a given/when/then test in complaint.attachments.unit.spec.ts):
 * - who: the roles of `permissions.AddAttachment`, never the employee the complaint is about,
 *   and (with `handling.handlerMustBeAssignee`) a handler only on complaints assigned to them;
 * - when: `registration` evidence until the complaint is triaged, `handling` evidence while it
 *   is handled, `resolution` evidence (the after-photo) from handling until it closes; a
 *   closed or sealed record takes none;
 * - what: a media type the policy accepts, whose bytes say the same (magic bytes, sniffed by
 *   `sniffMediaType`), at most `attachments.maxBytes`, at most `attachments.maxPerComplaint`;
 * - the same bytes twice on one complaint are one attachment (the second changes nothing);
 * - once the complainant's personal data is erased, no personal attachment is taken.
 *
 * Pure: the service reads the bytes, hashes and sniffs them, and passes the results in.
 */
import type { Role } from '../common/actor';
import { ProblemList } from '../common/domain-errors';
import { canonicalInstant } from '../common/iso-time';
import { compact } from '../common/object.util';
import type { ComplaintPolicy } from '../policy/policy';
import type { Command } from './complaint.commands';
import type { Event, EventBase } from './complaint.events';
import { assertAssignedHandler, assertExists, assertNoConflictOfInterest, assertRole, assertStatus } from './complaint.guards';
import type { Complaint, ComplaintState } from './complaint.state';
import type { ComplaintStatus } from './complaint.types';
import type { DecisionContext } from './decision-context';
import { mayReadContact } from './personal-data';

export const ATTACHMENT_STAGES = ['registration', 'handling', 'resolution'] as const;
export type AttachmentStage = (typeof ATTACHMENT_STAGES)[number];

/** The media types the sniffer recognises (and the default policy accepts). */
export const SNIFFABLE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;

export type AttachmentPolicy = {
  /** The largest file accepted, in bytes. */
  maxBytes: number;
  /** How many attachments one complaint may carry. */
  maxPerComplaint: number;
  /** Accepted media types (each must be one the sniffer recognises). */
  mediaTypes: string[];
};

export const DEFAULT_ATTACHMENT_POLICY: AttachmentPolicy = {
  maxBytes: 10 * 1024 * 1024,
  maxPerComplaint: 30,
  mediaTypes: [...SNIFFABLE_MEDIA_TYPES],
};

/** What the state keeps of each attachment. */
export type AttachmentRef = { sha256: string; stage: AttachmentStage; personal: boolean; mediaType: string };

/** `POST /api/complaints/:id/attachments` plus what the service measures of the bytes. */
export type AddAttachmentData = {
  /** Service-supplied: lowercase hex SHA-256 of the bytes. */
  sha256: string;
  /** Service-supplied: the byte count. */
  size: number;
  /** The declared media type (the upload's Content-Type). */
  mediaType: string;
  /** Service-supplied: what the bytes themselves say (`sniffMediaType`), absent when unrecognised. */
  sniffedMediaType?: string | null;
  fileName: string;
  stage: AttachmentStage;
  /** Shows the complainant or their papers (ID card, face): erased with their personal data, shown only to contact roles. */
  personal?: boolean | null;
  note?: string | null;
};
export type AddAttachment = Command<'AddAttachment', AddAttachmentData>;

export type AttachmentAdded = Event<
  'AttachmentAdded',
  EventBase & { sha256: string; size: number; mediaType: string; fileName: string; stage: AttachmentStage; personal: boolean; note?: string }
>;

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/**
 * The media type the bytes' own signature (magic bytes) says, or undefined: JPEG `FF D8 FF`,
 * PNG `89 50 4E 47 0D 0A 1A 0A`, GIF `GIF87a`/`GIF89a`, WebP `RIFF....WEBP`, PDF `%PDF-`.
 */
export const sniffMediaType = (bytes: Uint8Array): (typeof SNIFFABLE_MEDIA_TYPES)[number] | undefined => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  return undefined;
};

export const isImageMediaType = (mediaType: string): boolean => mediaType.startsWith('image/');

/** The statuses in which each stage's evidence may be added. */
export const ATTACHMENT_STAGE_STATUSES: Record<AttachmentStage, readonly ComplaintStatus[]> = {
  registration: ['registered'],
  handling: ['triaged', 'in_progress', 'reopened'],
  resolution: ['triaged', 'in_progress', 'reopened', 'resolved'],
};

const SHA256_HEX = /^[0-9a-f]{64}$/;
const FILE_NAME_MAX = 200;

/** Who may take a personal attachment's content out: the roles that deal with the complainant (as for name and phone). */
export const mayReadPersonalAttachment = (role: string): boolean => mayReadContact(role);

const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);

/** The policy's attachment rules (older stored policies without them read as the default). */
export const attachmentPolicyOf = (policy: ComplaintPolicy): AttachmentPolicy => policy.attachments ?? DEFAULT_ATTACHMENT_POLICY;

export const decideAddAttachment = (command: AddAttachment, state: ComplaintState, { policy }: DecisionContext): AttachmentAdded[] => {
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  const d = command.data;
  const stage = isOneOf(ATTACHMENT_STAGES, d.stage) ? d.stage : undefined;
  if (stage === undefined) {
    new ProblemList().add('stage', `must be one of ${ATTACHMENT_STAGES.join(', ')}`).throwIfAny();
  }
  const allowed = ATTACHMENT_STAGE_STATUSES[stage as AttachmentStage];
  assertStatus(complaint, allowed, `attach ${stage} evidence`, `${stage} evidence is added while the complaint is ${allowed.join(' / ')}`);
  assertNoConflictOfInterest(complaint, actor, 'attach evidence to it');
  if (stage !== 'registration') assertAssignedHandler(policy, complaint, actor, 'attach evidence');

  const rules = attachmentPolicyOf(policy);
  const problems = new ProblemList();
  problems.check(typeof d.sha256 === 'string' && SHA256_HEX.test(d.sha256), 'sha256', 'must be the lowercase hex SHA-256 of the content');
  if (!(Number.isInteger(d.size) && d.size >= 1)) problems.add('size', 'the file is empty');
  else if (d.size > rules.maxBytes) problems.add('size', `at most ${rules.maxBytes} bytes (this file has ${d.size})`);
  if (!isOneOf(rules.mediaTypes, d.mediaType)) problems.add('mediaType', `must be one of ${rules.mediaTypes.join(', ')}`);
  else if (d.sniffedMediaType !== d.mediaType) {
    problems.add('mediaType', d.sniffedMediaType ? `the content is ${d.sniffedMediaType}, not ${d.mediaType}` : `the content is not ${d.mediaType} (its first bytes match no accepted type)`);
  }
  if (typeof d.fileName !== 'string' || d.fileName.trim() === '') problems.add('fileName', 'required');
  else if (d.fileName.length > FILE_NAME_MAX) problems.add('fileName', `at most ${FILE_NAME_MAX} characters`);
  else if (/[/\\]/.test(d.fileName) || [...d.fileName].some((c) => c.charCodeAt(0) < 0x20)) problems.add('fileName', 'must be a bare file name (no path separators or control characters)');
  if (d.personal !== undefined && d.personal !== null && typeof d.personal !== 'boolean') problems.add('personal', 'must be true or false');
  // Erased is erased: no new picture of the complainant once their personal data is gone.
  if (d.personal === true && complaint.personalDataErased) problems.add('personal', 'the complainant’s personal data was erased; a personal attachment is no longer taken');
  if (d.note !== undefined && d.note !== null && (typeof d.note !== 'string' || d.note.length > 1_000)) problems.add('note', 'text of at most 1000 characters');
  problems.throwIfAny();

  const attachments = complaint.attachments ?? [];
  // Content-addressed: the same bytes again on this complaint are the attachment already there.
  if (attachments.some((a) => a.sha256 === d.sha256)) return [];
  if (attachments.length >= rules.maxPerComplaint) {
    new ProblemList().add('file', `a complaint carries at most ${rules.maxPerComplaint} attachments`).throwIfAny();
  }
  return [
    {
      type: 'AttachmentAdded',
      data: compact({
        complaintId: complaint.id,
        at: canonicalInstant(command.metadata.now),
        actor: compact({ id: actor.id, role: actor.role, name: actor.name }),
        sha256: d.sha256,
        size: d.size,
        mediaType: d.mediaType,
        fileName: d.fileName.trim(),
        stage: stage as AttachmentStage,
        personal: d.personal === true,
        note: typeof d.note === 'string' && d.note.trim() !== '' ? d.note : undefined,
      }),
    },
  ];
};

/** The state after an AttachmentAdded (the decider's `evolve` calls it). */
export const evolveAttachmentAdded = (state: Complaint, event: AttachmentAdded): Complaint => ({
  ...state,
  attachments: [...(state.attachments ?? []), { sha256: event.data.sha256, stage: event.data.stage, personal: event.data.personal, mediaType: event.data.mediaType }],
});

/**
 * The stages at which `actor` may attach now (the dashboard offers exactly these), asked of the
 * decider with a probe file of an accepted type — so a stage offered is never refused for the
 * role, the status or conflict of interest.
 */
export const attachmentStagesFor = (complaint: Complaint, actor: { id: string; role: Role; name?: string }, now: string, ctx: DecisionContext): AttachmentStage[] => {
  const mediaType = attachmentPolicyOf(ctx.policy).mediaTypes[0] ?? 'image/jpeg';
  return ATTACHMENT_STAGES.filter((stage) => {
    try {
      decideAddAttachment(
        {
          type: 'AddAttachment',
          data: { sha256: '0'.repeat(64), size: 1, mediaType, sniffedMediaType: mediaType, fileName: 'probe', stage },
          metadata: { now, actor },
        },
        { ...complaint, attachments: (complaint.attachments ?? []).filter((a) => a.sha256 !== '0'.repeat(64)) },
        ctx,
      );
      return true;
    } catch {
      return false;
    }
  });
};
