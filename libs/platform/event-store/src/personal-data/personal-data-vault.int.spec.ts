import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { PersonalDataErasedError, PersonalDataVault, isSealed } from './personal-data-vault';

const ERASED = '[erased]';
let db: TestDatabase;
let pool: Pool;
const masterKey = randomBytes(32);
const vault = () => new PersonalDataVault(pool, { masterKey, erasedValue: ERASED });

beforeAll(async () => {
  db = await createTestDatabase('pii_vault');
  pool = new Pool({ connectionString: db.url, max: 4 });
  // A connection the server closes (another suite's clean-up) fails its query, not the run.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('Personal-data vault on a real PostgreSQL (crypto-shredding)', () => {
  it('should seal a value so the ciphertext holds no plaintext, and open it again from another vault instance', async () => {
    const subject = randomUUID();
    const seal = await vault().sealerFor(subject);
    const sealed = seal('13800138000');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('13800138000');
    expect(seal('13800138000')).not.toBe(sealed); // a fresh IV every time
    const open = await vault().openerFor([sealed, 'plain text']);
    expect(open(sealed)).toBe('13800138000');
    expect(open('plain text')).toBe('plain text');
  });

  it('should keep the data key wrapped: the key table holds no raw key that opens the value', async () => {
    const subject = randomUUID();
    const sealed = (await vault().sealerFor(subject))('张三');
    const { rows } = await pool.query<{ wrapped_key: Buffer }>(`SELECT wrapped_key FROM personal_data.subject_keys WHERE subject_id = $1`, [subject]);
    expect(rows).toHaveLength(1);
    expect(rows[0].wrapped_key.length).toBe(12 + 32 + 16);
    const otherMaster = new PersonalDataVault(pool, { masterKey: randomBytes(32), erasedValue: ERASED });
    await expect(otherMaster.openerFor([sealed])).rejects.toThrow(/PERSONAL_DATA_KEY differs/);
  });

  it('should read every value of an erased subject as erased, and never give the subject a key again', async () => {
    const subject = randomUUID();
    const other = randomUUID();
    const a = (await vault().sealerFor(subject))('李四');
    const b = (await vault().sealerFor(other))('王五');
    expect(await vault().erase(subject)).toEqual({ keyDestroyed: true });
    expect(await vault().erase(subject)).toEqual({ keyDestroyed: false });
    const open = await vault().openerFor([a, b]);
    expect(open(a)).toBe(ERASED);
    expect(open(b)).toBe('王五');
    await expect(vault().sealerFor(subject)).rejects.toBeInstanceOf(PersonalDataErasedError);
    expect((await pool.query(`SELECT 1 FROM personal_data.erasures WHERE subject_id = $1`, [subject])).rows).toHaveLength(1);
    const { rows } = await pool.query(`SELECT 1 FROM personal_data.subject_keys WHERE subject_id = $1`, [subject]);
    expect(rows).toHaveLength(0);
  });

  it('should read a tampered or transplanted value as erased rather than fail', async () => {
    const s1 = randomUUID();
    const s2 = randomUUID();
    const sealed = (await vault().sealerFor(s1))('赵六');
    await vault().sealerFor(s2);
    const tampered = sealed.slice(0, -3) + (sealed.endsWith('AAA') ? 'BBB' : 'AAA');
    const transplanted = sealed.replace(s1, s2);
    const open = await vault().openerFor([tampered, transplanted]);
    expect(open(tampered)).toBe(ERASED);
    expect(open(transplanted)).toBe(ERASED);
  });

  it('should create the subject key once under concurrent first seals', async () => {
    const subject = randomUUID();
    const seals = await Promise.all(Array.from({ length: 8 }, () => vault().sealerFor(subject)));
    const values = seals.map((seal, i) => seal(`v${i}`));
    const open = await vault().openerFor(values);
    expect(values.map(open)).toEqual(values.map((_, i) => `v${i}`));
  });

  it('should give a keyed blind index: stable for one master key, different under another, never the plain hash', () => {
    const v = vault();
    expect(v.blindIndex('phone', '13800138000')).toBe(vault().blindIndex('phone', '13800138000'));
    expect(v.blindIndex('phone', '13800138000')).not.toBe(new PersonalDataVault(pool, { masterKey: randomBytes(32), erasedValue: ERASED }).blindIndex('phone', '13800138000'));
    expect(v.blindIndex('phone', '13800138000')).not.toBe(v.blindIndex('phone', '13800138001'));
  });
});
