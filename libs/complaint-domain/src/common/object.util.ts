/** Small pure helpers shared by the policy merge and event construction. */

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Deep merge where the override wins: objects merge key by key, arrays and scalars are
 * replaced as a whole (a site that lists its departments means exactly that list), and
 * `undefined` never erases an inherited value.
 */
export const deepMerge = <T>(base: T, override: DeepPartial<T> | undefined): T => {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return result as T;
};

/**
 * Drops `undefined` properties so events are JSON-clean: what the decider returns is exactly
 * what a JSON event store hands back, and replays compare equal.
 */
export const compact = <T extends Record<string, unknown>>(value: T): T => {
  const result: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) result[key] = v;
  return result as T;
};

export const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];
