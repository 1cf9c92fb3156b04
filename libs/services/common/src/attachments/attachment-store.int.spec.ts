import { createHash, randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import type { AttachmentContentStore } from './attachment-store.port';
import { AttachmentReferences, PostgresAttachmentStore } from './postgres-attachment-store';
import { S3AttachmentStore, S3StoreError } from './s3-attachment-store';

/**
 * The attachment store port, the same contract for both adapters: PostgreSQL (the embedded
 * default) on the real test database, and an S3-compatible store on the real Adobe S3Mock
 * the test command starts (`S3_TEST_ENDPOINT`; tools/test/run-tests.mjs, infra/s3mock).
 */
const s3Endpoint = process.env.S3_TEST_ENDPOINT;
const s3SkipReason = process.env.S3_TIER_SKIPPED ?? 'S3_TEST_ENDPOINT is not set (run the tests with `node tools/test/run-tests.mjs`, which starts Adobe S3Mock where java and mvn exist)';
if (!s3Endpoint) console.warn(`\n*** S3 attachment store tests SKIPPED: ${s3SkipReason} ***\n`);

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const JPEG = (): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64 * 1024)]);

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase('attachments');
  pool = new Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

const contract = (name: string, make: () => AttachmentContentStore) => {
  describe(`${name}: the attachment store contract`, () => {
    it('stores bytes under their SHA-256 and gives back exactly those bytes', async () => {
      const store = make();
      const bytes = JPEG();
      await store.put(sha(bytes), bytes, 'image/jpeg');
      const back = await store.get(sha(bytes));
      expect(back && sha(back)).toBe(sha(bytes));
      expect(back?.length).toBe(bytes.length);
    });

    it('stores the same bytes twice as one (content-addressed, idempotent)', async () => {
      const store = make();
      const bytes = JPEG();
      await store.put(sha(bytes), bytes, 'image/jpeg');
      await store.put(sha(bytes), bytes, 'image/jpeg');
      expect((await store.get(sha(bytes)))?.equals(bytes)).toBe(true);
    });

    it('answers undefined for a hash it never stored, and after delete (twice is fine)', async () => {
      const store = make();
      const bytes = JPEG();
      expect(await store.get(sha(bytes))).toBeUndefined();
      await store.put(sha(bytes), bytes, 'image/jpeg');
      await store.delete(sha(bytes));
      await store.delete(sha(bytes));
      expect(await store.get(sha(bytes))).toBeUndefined();
    });
  });
};

contract('PostgreSQL (bytea)', () => new PostgresAttachmentStore(pool));

(s3Endpoint ? describe : describe.skip)('S3-compatible store on the real Adobe S3Mock', () => {
  const bucket = `complaints-test-${randomBytes(4).toString('hex')}`;
  const s3 = () => new S3AttachmentStore({ endpoint: s3Endpoint as string, bucket, region: 'us-east-1', accessKeyId: 'test', secretAccessKey: 'test-secret' });
  contract('S3', s3);

  it('creates its bucket on first use and keeps each object under <prefix><sha256>', async () => {
    const bytes = JPEG();
    await s3().put(sha(bytes), bytes, 'image/jpeg');
    const listing = await (await fetch(`${s3Endpoint}/${bucket}?list-type=2`)).text();
    expect(listing).toContain(`<Key>attachments/${sha(bytes)}</Key>`);
  });

  it('refuses to store bytes under a hash they do not have', async () => {
    const bytes = JPEG();
    await expect(s3().put(sha(JPEG()), bytes, 'image/jpeg')).rejects.toThrow(S3StoreError);
  });
});

describe('Complaint → content references', () => {
  it('releases content only when no other complaint refers to the same bytes', async () => {
    const refs = new AttachmentReferences(pool);
    const hash = sha(JPEG());
    const [a, b] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    await refs.add(a, hash, true);
    await refs.add(b, hash, false);
    await refs.add(b, hash, false);
    expect(await refs.release(a, hash)).toBe(false);
    expect(await refs.inUse(hash)).toBe(true);
    expect(await refs.release(b, hash)).toBe(true);
    expect(await refs.inUse(hash)).toBe(false);
  });
});
