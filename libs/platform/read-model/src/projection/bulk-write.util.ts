import type { EntityManager } from 'typeorm';

/**
 * Batched writes for projections: a whole batch of rows travels as one JSON parameter
 * and is unpacked by `json_to_recordset`, so a rebuild writes thousands of rows in one
 * round trip (and never hits the 65 535 bind-parameter limit of a multi-row VALUES).
 * `json`, not `jsonb`: the parameter is only split into rows, never kept, and converting
 * megabytes of it to `jsonb` first cost more than writing the rows.
 */
export type ColumnType = 'uuid' | 'text' | 'integer' | 'bigint' | 'boolean' | 'timestamptz' | 'jsonb' | 'json' | 'numeric';

export type ColumnSpec = { name: string; type: ColumnType };

export type Row = Record<string, unknown>;

const IDENTIFIER = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

const assertIdentifier = (name: string): string => {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return name;
};

const DEFAULT_CHUNK = 2_000;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export type UpsertOptions = {
  /** Rows per statement (default 2 000). */
  chunkSize?: number;
  /**
   * Only overwrite a stored row whose `version` is lower (or equal) — a guard for writers
   * that might race (the projection lock already serialises ours; this is belt and braces).
   */
  versionColumn?: string;
};

/** INSERT … SELECT FROM json_to_recordset($1) … ON CONFLICT (key) DO UPDATE: one statement per chunk. */
export const upsertRows = async (
  manager: EntityManager,
  table: string,
  columns: readonly ColumnSpec[],
  conflictKeys: readonly string[],
  rows: readonly Row[],
  options: UpsertOptions = {},
): Promise<void> => {
  if (rows.length === 0) return;
  assertIdentifier(table);
  const names = columns.map((c) => assertIdentifier(c.name));
  conflictKeys.forEach(assertIdentifier);
  const recordType = columns.map((c) => `${c.name} ${c.type}`).join(', ');
  const updates = names.filter((n) => !conflictKeys.includes(n)).map((n) => `${n} = EXCLUDED.${n}`);
  const guard = options.versionColumn ? ` WHERE ${table}.${assertIdentifier(options.versionColumn)} <= EXCLUDED.${options.versionColumn}` : '';
  const onConflict = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}${guard}` : 'DO NOTHING';
  const sql =
    `INSERT INTO ${table} (${names.join(', ')}) ` +
    `SELECT ${names.join(', ')} FROM json_to_recordset($1::json) AS r(${recordType}) ` +
    `ON CONFLICT (${conflictKeys.join(', ')}) ${onConflict}`;
  for (const chunk of chunks(rows, options.chunkSize ?? DEFAULT_CHUNK)) {
    await manager.query(sql, [JSON.stringify(chunk.map((row) => pick(row, names)))]);
  }
};

/** DELETE the rows whose (key columns) match any of the given tuples, one statement per chunk. */
export const deleteRows = async (manager: EntityManager, table: string, keyColumns: readonly ColumnSpec[], keys: readonly Row[], chunkSize = DEFAULT_CHUNK): Promise<void> => {
  if (keys.length === 0) return;
  assertIdentifier(table);
  const names = keyColumns.map((c) => assertIdentifier(c.name));
  const recordType = keyColumns.map((c) => `${c.name} ${c.type}`).join(', ');
  const match = names.map((n) => `t.${n} = r.${n}`).join(' AND ');
  const sql = `DELETE FROM ${table} t USING json_to_recordset($1::json) AS r(${recordType}) WHERE ${match}`;
  for (const chunk of chunks(keys, chunkSize)) await manager.query(sql, [JSON.stringify(chunk.map((row) => pick(row, names)))]);
};

const pick = (row: Row, names: readonly string[]): Row => {
  const out: Row = {};
  for (const name of names) {
    const value = row[name];
    out[name] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return out;
};
