import { createHash, createHmac } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DEFAULT_POLICY, earliestPurgeDate, retainUntil, startOfLocalDate, type ComplaintPolicy } from '@complaints/domain';
import { complaintStreamId } from '@complaints/contracts';
import { GENESIS_HASH, canonicalJson, verifyStoredStream, type EventStore } from '@complaints/event-store';

/**
 * The year-end sealed archive (装订封存, docs/process.md §6) of one site: every closed complaint
 * whose closing date (site-local) falls in the year — or that was sealed into it with
 * ComplaintArchived — as its full event stream in JSON lines, one file per complaint, and
 * a manifest with each file's SHA-256 and a root hash over the whole manifest. Anyone can
 * check it offline with `node tools/verify-archive.mjs <dir or .tar>`: the files against the
 * manifest, the manifest against its root hash, and every stream against its hash chain.
 * Streams of hash chain v2 carry their signed head in the manifest, and the root hash is
 * signed too (`rootMac`): with the chain key (CHAIN_KEY or PERSONAL_DATA_KEY) the verifier
 * also catches a forger who recomputes every hash, or deletes a stream's last events.
 */
export const ARCHIVE_FORMAT = 'complaints-yearly-archive/1';

export type ArchiveFileEntry = {
  path: string;
  sha256: string;
  bytes: number;
  complaintId: string;
  number: string;
  events: number;
  closedAt: string | null;
  /** Hash of the stream's last event: compare with the live store's GET /api/complaints/:id/verify and history. */
  lastHash: string;
  /** The stream's signed head in the event store (hash chain v2; `headMac` of { streamId, revision, hash }), or null when it has none (chain v1 only). */
  head: { revision: number; hash: string; mac: string } | null;
  /** A major complaint: an important record, kept longer. */
  major: boolean;
  /** Kept at least to this site-local date (policy archive.retentionYears / importantRetentionYears). */
  retainUntil: string;
  /** The first site-local date it may be purged (the day after retainUntil): nothing is purged before it. */
  earliestPurgeDate: string;
};

export type ArchiveManifest = {
  format: typeof ARCHIVE_FORMAT;
  siteId: string;
  year: number;
  timeZone: string;
  selection: string;
  createdAt: string;
  hashing: { file: string; event: string; head: string; root: string; key: string };
  complaints: number;
  events: number;
  files: ArchiveFileEntry[];
  rootHash: string;
  /** HMAC-SHA256 hex of `complaints-archive-root:<rootHash>` with the chain key; absent when the store has no chain key. */
  rootMac?: string;
};

export type ArchiveBundle = { directory: string; files: { path: string; content: Buffer }[]; manifest: ArchiveManifest };

export const sha256 = (content: Buffer | string): string => createHash('sha256').update(content).digest('hex');

/** The root hash: SHA-256 of the canonical JSON (keys sorted, no spaces) of the manifest without `rootHash`. */
export const manifestRootHash = (manifest: Omit<ArchiveManifest, 'rootHash'> & { rootHash?: string }): string => {
  const { rootHash: _omitted, rootMac: _signature, ...rest } = manifest;
  return sha256(canonicalJson(rest));
};

/** The root hash signed with the chain key (tools/verify-archive.mjs checks it the same way). */
export const manifestRootMac = (chainKey: Buffer, rootHash: string): string => createHmac('sha256', chainKey).update(`complaints-archive-root:${rootHash}`).digest('hex');

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

export class ArchiveIntegrityError extends Error {}

/**
 * The complaints a site's yearly archive holds, from the complaint view (no stream is read):
 * closed ones whose site-local closing date falls in the year, or sealed into it.
 */
export const selectYearlyArchive = async (
  dataSource: DataSource,
  params: { siteId: string; year: number; timeZone: string },
): Promise<{ id: string; number: string; closed_at: Date | null; major: boolean }[]> => {
  const { siteId, year, timeZone } = params;
  const from = new Date(startOfLocalDate(`${year}-01-01`, timeZone));
  const to = new Date(startOfLocalDate(`${year + 1}-01-01`, timeZone));
  return (await dataSource.query(
    `SELECT id, number, closed_at, major FROM reporting.complaint_view
      WHERE site_id = $1 AND status = 'closed'
        AND CASE WHEN coalesce((state->>'archived')::boolean, false) THEN (state->>'archiveYear')::int = $4
                 ELSE closed_at >= $2 AND closed_at < $3 END
      ORDER BY number, id`,
    [siteId, from, to, year],
  )) as { id: string; number: string; closed_at: Date | null; major: boolean }[];
};

export const buildYearlyArchive = async (
  dataSource: DataSource,
  store: EventStore,
  params: { siteId: string; year: number; timeZone: string; now: Date; policy?: Pick<ComplaintPolicy, 'archive'> },
): Promise<ArchiveBundle> => {
  const { siteId, year, timeZone } = params;
  const policy = params.policy ?? DEFAULT_POLICY;
  const selected = await selectYearlyArchive(dataSource, { siteId, year, timeZone });

  const directory = `${siteId.replace(/[^A-Za-z0-9._-]/g, '_')}-${year}`;
  const files: { path: string; content: Buffer }[] = [];
  const entries: ArchiveFileEntry[] = [];
  let total = 0;
  for (const complaint of selected) {
    const { events, head, verification: chain } = await verifyStoredStream(store, complaintStreamId(complaint.id));
    // Never seal a stream whose chain is already broken (or cut short): the archive would certify it.
    if (!chain.valid) throw new ArchiveIntegrityError(`complaint ${complaint.number} (${complaint.id}): hash chain broken at event ${chain.brokenAt} (${chain.reason})`);
    const lines = events.map((e) =>
      JSON.stringify({
        seq: Number(e.revision) + 1,
        revision: Number(e.revision),
        id: e.id,
        type: e.type,
        streamId: e.streamId,
        recordedAt: e.recordedAt.toISOString(),
        data: e.data,
        metadata: e.metadata,
      }),
    );
    const content = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const name = SAFE_NAME.test(complaint.number) ? complaint.number : complaint.id;
    const path = `events/${name}.jsonl`;
    files.push({ path, content });
    entries.push({
      path,
      sha256: sha256(content),
      bytes: content.length,
      complaintId: complaint.id,
      number: complaint.number,
      events: events.length,
      closedAt: complaint.closed_at?.toISOString() ?? null,
      lastHash: events.length ? String(events[events.length - 1].metadata.hash) : GENESIS_HASH,
      head: head ? { revision: Number(head.revision), hash: head.hash, mac: head.mac } : null,
      major: complaint.major === true,
      retainUntil: retainUntil(policy, { year, important: complaint.major === true }),
      earliestPurgeDate: earliestPurgeDate(policy, { year, important: complaint.major === true }),
    });
    total += events.length;
  }
  const unsigned: Omit<ArchiveManifest, 'rootHash'> = {
    format: ARCHIVE_FORMAT,
    siteId,
    year,
    timeZone,
    selection: `closed complaints of site ${siteId} whose closing date in ${timeZone} falls in ${year}, or sealed into ${year} by ComplaintArchived`,
    createdAt: params.now.toISOString(),
    hashing: {
      file: 'sha256 hex of the file bytes',
      event: 'chain v1: sha256 hex of canonical JSON (keys sorted at every level, no whitespace) of { id, type, data, metadata } with metadata.hash removed and metadata.prevHash = the previous event’s hash (64 zeros for the first); chain v2 (metadata.chain = 2): HMAC-SHA256 hex with the chain key of canonical JSON of { streamId, id, type, data, metadata } likewise, metadata.revision = revision and metadata.recordedAt = recordedAt',
      head: 'HMAC-SHA256 hex with the chain key of canonical JSON of { head: { streamId, revision, hash } } for the stream’s last event',
      root: 'sha256 hex of the canonical JSON of this manifest without rootHash and rootMac; rootMac = HMAC-SHA256 hex with the chain key of "complaints-archive-root:" + rootHash',
      key: 'chain key = HKDF-SHA256 (no salt, info "complaints:hash-chain:v2", 32 bytes) of CHAIN_KEY, or of PERSONAL_DATA_KEY where CHAIN_KEY is not set (base64 of 32 bytes decoded, other text as UTF-8)',
    },
    complaints: entries.length,
    events: total,
    files: entries,
  };
  const rootHash = manifestRootHash(unsigned);
  const manifest: ArchiveManifest = { ...unsigned, rootHash, ...(store.chainKey ? { rootMac: manifestRootMac(store.chainKey, rootHash) } : {}) };
  files.push({ path: 'manifest.json', content: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') });
  return { directory, files, manifest };
};
