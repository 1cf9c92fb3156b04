import { createHash } from 'node:crypto';

/**
 * A name-based UUID (version 5 layout, SHA-1 over a fixed namespace and the name).
 * Used for event ids that must be the same on every retry or replay — a timer's
 * chase, a registration behind an Idempotency-Key — so the store makes the second
 * append a no-op instead of a duplicate.
 */
const NAMESPACE = 'b7f0c6a2-5d1e-4c4e-9a3f-6c1d2e8f9a10';

export const deterministicUuid = (name: string): string => {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};
