#!/usr/bin/env node
// Verifies a sealed yearly complaint archive offline, with nothing but Node.js:
//
//   node tools/verify-archive.mjs <archive directory | archive .tar>
//   npm run archive:verify -- <archive directory | archive .tar>
//   CHAIN_KEY=… npm run archive:verify -- <…>     (or PERSONAL_DATA_KEY=…, where CHAIN_KEY was never set)
//
// The archive (npm run archive:export, or GET /api/archives/:siteId/:year) holds
// manifest.json and events/<number>.jsonl, one file per closed complaint: its whole event
// stream, one event per line. This tool checks, and exits 0 only if all hold:
//   1. the manifest's rootHash = SHA-256 of the canonical JSON of the manifest without rootHash;
//   2. every file listed exists with the listed size and SHA-256, and no other file is there;
//   3. every stream is complete (seq 1, 2, 3 … with revision = seq − 1) and its hash chain
//      holds: prevHash of the first event is 64 zeros, each prevHash is the previous hash, and
//      each hash = SHA-256 of the canonical JSON of { id, type, data, metadata } with
//      metadata.hash removed (metadata.prevHash kept);
//   4. the chain ends at the manifest's lastHash, the event count matches, every event
//      belongs to the listed complaint and site, and the stream contains its ComplaintClosed;
//   5. hash chain v2 (events with metadata.chain = 2, HMAC-signed with the chain key kept
//      outside the database): each hash = HMAC-SHA256 with the chain key of the canonical
//      JSON of { streamId, id, type, data, metadata } (metadata.hash removed), with
//      metadata.revision = the event's revision and metadata.recordedAt = its recordedAt; no
//      v1 event after a v2 one; the stream's signed head (the manifest's `head`) names its last
//      event — so a stream cut short, or re-hashed by someone without the key, fails; and the
//      manifest's rootMac = HMAC of "complaints-archive-root:" + rootHash.
//      The key: CHAIN_KEY, else PERSONAL_DATA_KEY, from the environment, derived as the
//      services do (HKDF-SHA256, info "complaints:hash-chain:v2"). Without it an archive
//      holding chain v2 is not called intact (exit 1, saying the key is needed).
// Canonical JSON: object keys sorted at every level, no whitespace, undefined dropped —
// the same rule the event store hashes with (libs/platform/event-store/src/hash-chain.ts).
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const GENESIS = '0'.repeat(64);
const sha256 = (content) => createHash('sha256').update(content).digest('hex');

const canonicalJson = (value) => {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

const eventHash = (event, prevHash) => {
  const { hash: _ignored, ...metadata } = event.metadata ?? {};
  return sha256(canonicalJson({ id: event.id, type: event.type, data: event.data, metadata: { ...metadata, prevHash } }));
};

/** The chain key from CHAIN_KEY, else PERSONAL_DATA_KEY (hash-chain.ts `chainKeyFrom`). */
const chainKeyFrom = (secret) => {
  if (!secret) return undefined;
  const decoded = /^[A-Za-z0-9+/]{43}=$/.test(secret) ? Buffer.from(secret, 'base64') : undefined;
  const material = decoded?.length === 32 ? decoded : Buffer.from(secret, 'utf8');
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'complaints:hash-chain:v2', 32));
};
const hmac = (key, body) => createHmac('sha256', key).update(body).digest('hex');
const sameMac = (a, b) => typeof a === 'string' && typeof b === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const keyedEventHash = (key, streamId, event, prevHash) => {
  const { hash: _ignored, ...metadata } = event.metadata ?? {};
  return hmac(key, canonicalJson({ streamId, id: event.id, type: event.type, data: event.data, metadata: { ...metadata, prevHash } }));
};
const headMac = (key, head) => hmac(key, canonicalJson({ head: { streamId: head.streamId, revision: head.revision, hash: head.hash } }));
const CHAIN_KEY = chainKeyFrom(process.env.CHAIN_KEY || process.env.PERSONAL_DATA_KEY);
const NEEDS_KEY = 'hash chain v2 can only be checked with the chain key: set CHAIN_KEY (or PERSONAL_DATA_KEY, where CHAIN_KEY was never set) in the environment';

/** path → Buffer for every regular file of a directory or a ustar/GNU tar file (top folder stripped). */
const readBundle = (target) => {
  const files = new Map();
  if (statSync(target).isDirectory()) {
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.isFile()) files.set(relative(target, path).split(sep).join('/'), readFileSync(path));
      }
    };
    walk(target);
    return files;
  }
  const tar = readFileSync(target);
  let offset = 0;
  const text = (start, length) => tar.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = text(offset, 100);
    const prefix = text(offset + 345, 155);
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const path = prefix ? `${prefix}/${name}` : name;
    if (type === '0' || type === '\0') files.set(path, tar.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  // The tar holds one top folder <site>-<year>/: strip it.
  const tops = new Set([...files.keys()].map((p) => p.split('/')[0]));
  if (tops.size === 1 && !files.has('manifest.json')) {
    const [top] = tops;
    return new Map([...files].map(([p, c]) => [p.slice(top.length + 1), c]));
  }
  return files;
};

const verify = (target) => {
  const problems = [];
  const files = readBundle(target);
  const manifestFile = files.get('manifest.json');
  if (!manifestFile) return { problems: ['manifest.json is missing'] };
  let manifest;
  try {
    manifest = JSON.parse(manifestFile.toString('utf8'));
  } catch (error) {
    return { problems: [`manifest.json is not JSON: ${error.message}`] };
  }
  const { rootHash, rootMac, ...unsigned } = manifest;
  const computedRoot = sha256(canonicalJson(unsigned));
  if (computedRoot !== rootHash) problems.push(`root hash mismatch: manifest says ${rootHash}, its content hashes to ${computedRoot}`);
  let keyed = false;
  let keyNeeded = false;
  // (Without the key, a rootMac is left unchecked; an archive holding chain v2 then fails below for want of the key.)
  if (rootMac !== undefined && CHAIN_KEY && !sameMac(hmac(CHAIN_KEY, `complaints-archive-root:${rootHash}`), rootMac)) {
    problems.push('rootMac does not hold: the manifest was not sealed with this chain key (or was re-sealed without it)');
  }
  if (manifest.format !== 'complaints-yearly-archive/1') problems.push(`unknown format ${manifest.format}`);
  const listed = new Set((manifest.files ?? []).map((f) => f.path));
  for (const path of files.keys()) if (path !== 'manifest.json' && !listed.has(path)) problems.push(`${path}: not listed in the manifest`);
  let events = 0;
  for (const entry of manifest.files ?? []) {
    const content = files.get(entry.path);
    if (!content) {
      problems.push(`${entry.path}: missing`);
      continue;
    }
    if (content.length !== entry.bytes) problems.push(`${entry.path}: ${content.length} bytes, manifest says ${entry.bytes}`);
    const digest = sha256(content);
    if (digest !== entry.sha256) problems.push(`${entry.path}: SHA-256 ${digest} does not match the manifest's ${entry.sha256}`);
    const lines = content.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    let previous = GENESIS;
    let closed = false;
    let streamKeyed = false;
    const streamId = `complaint-${entry.complaintId}`;
    for (let i = 0; i < lines.length; i++) {
      let event;
      try {
        event = JSON.parse(lines[i]);
      } catch {
        problems.push(`${entry.path} line ${i + 1}: not JSON`);
        break;
      }
      const where = `${entry.path} event ${i + 1}`;
      if (event.seq !== i + 1 || event.revision !== i) problems.push(`${where}: seq ${event.seq} / revision ${event.revision}, expected ${i + 1} / ${i} (a gap or reordering)`);
      if (event.streamId !== `complaint-${entry.complaintId}` || event.data?.complaintId !== entry.complaintId) problems.push(`${where}: belongs to another complaint`);
      if (event.type === 'ComplaintRegistered' && event.data?.siteId !== manifest.siteId) problems.push(`${where}: registered at site ${event.data?.siteId}, not ${manifest.siteId}`);
      if (event.type === 'ComplaintClosed') closed = true;
      const { hash, prevHash } = event.metadata ?? {};
      if (prevHash !== previous) problems.push(`${where} (${event.type}): prevHash ${prevHash} does not link to the previous event's hash ${previous}`);
      if (event.metadata?.chain === undefined) {
        if (streamKeyed) problems.push(`${where} (${event.type}): a chain v1 event after chain v2 events — the stream was re-hashed`);
        const computed = eventHash(event, previous);
        if (computed !== hash) problems.push(`${where} (${event.type}): content hashes to ${computed}, the chain says ${hash} — the event was altered`);
      } else {
        streamKeyed = keyed = true;
        if (event.metadata.chain !== 2) problems.push(`${where} (${event.type}): unknown chain version ${event.metadata.chain}`);
        else if (!CHAIN_KEY) keyNeeded = true;
        else {
          const computed = keyedEventHash(CHAIN_KEY, streamId, event, previous);
          if (!sameMac(computed, hash)) problems.push(`${where} (${event.type}): content hashes (with the chain key) to ${computed}, the chain says ${hash} — the event was altered`);
        }
        if (event.metadata.revision !== event.revision) problems.push(`${where} (${event.type}): revision ${event.revision}, the hashed revision is ${event.metadata.revision}`);
        if (typeof event.metadata.recordedAt !== 'string' || Date.parse(event.metadata.recordedAt) !== Date.parse(event.recordedAt)) {
          problems.push(`${where} (${event.type}): recorded at ${event.recordedAt}, the hashed recorded time is ${event.metadata.recordedAt} — the recorded time was altered`);
        }
      }
      previous = hash;
      events++;
    }
    if (lines.length !== entry.events) problems.push(`${entry.path}: ${lines.length} events, manifest says ${entry.events}`);
    if (previous !== entry.lastHash) problems.push(`${entry.path}: chain ends at ${previous}, manifest says ${entry.lastHash}`);
    if (streamKeyed || entry.head) {
      const head = entry.head;
      if (!head) problems.push(`${entry.path}: hash chain v2 without the stream's signed head`);
      else if (CHAIN_KEY) {
        if (!sameMac(headMac(CHAIN_KEY, { streamId, revision: head.revision, hash: head.hash }), head.mac)) problems.push(`${entry.path}: the signed head does not hold (forged, or another chain key)`);
        else if (head.revision >= lines.length) problems.push(`${entry.path}: the signed head names ${head.revision + 1} events, the file holds ${lines.length} — its last events were deleted`);
        else if (head.revision !== lines.length - 1 || head.hash !== previous) problems.push(`${entry.path}: the signed head names event ${head.revision + 1} with hash ${head.hash}, the stream ends at event ${lines.length} with ${previous}`);
      } else keyNeeded = true;
    }
    if (!closed) problems.push(`${entry.path}: no ComplaintClosed event — only closed complaints are sealed`);
  }
  if (events !== manifest.events) problems.push(`${events} events in the files, manifest says ${manifest.events}`);
  if ((manifest.files ?? []).length !== manifest.complaints) problems.push(`${(manifest.files ?? []).length} files listed, manifest says ${manifest.complaints} complaints`);
  if (keyed && rootMac === undefined) problems.push('the manifest holds hash chain v2 but no rootMac');
  if (keyNeeded) problems.push(NEEDS_KEY);
  return { problems, manifest, events, keyed };
};

const target = process.argv[2];
if (!target) {
  console.error('usage: node tools/verify-archive.mjs <archive directory | archive .tar>');
  process.exit(2);
}
let result;
try {
  result = verify(target);
} catch (error) {
  console.error(`cannot read ${target}: ${error.message}`);
  process.exit(2);
}
if (result.problems.length > 0) {
  console.error(`INVALID archive ${target}:`);
  for (const problem of result.problems) console.error(`  - ${problem}`);
  process.exit(1);
}
const m = result.manifest;
console.log(
  `OK: ${m.siteId} ${m.year} — ${m.complaints} complaints, ${result.events} events, every file and hash chain intact${result.keyed ? ' (chain v2 and signed heads checked with the chain key)' : ''}; root hash ${m.rootHash}`,
);
