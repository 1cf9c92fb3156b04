/**
 * Where attachment bytes live, keyed by their SHA-256 (content-addressed: the same bytes are
 * stored once, whoever attaches them to whichever complaint). The events hold the hash; a
 * store holds the bytes. Adapters: PostgreSQL (the embedded default, `ATTACHMENT_STORE=postgres`)
 * and an S3-compatible object store (the distributed topology, `ATTACHMENT_STORE=s3`).
 */
export interface AttachmentContentStore {
  /** `postgres` or `s3`, for logs and the health of the store. */
  readonly kind: string;
  /** Stores the bytes under their hash; storing the same hash again changes nothing. */
  put(sha256: string, content: Buffer, mediaType: string): Promise<void>;
  /** The bytes, or undefined when the store has none under this hash (never stored, or erased). */
  get(sha256: string): Promise<Buffer | undefined>;
  /** Removes the bytes (erasure); removing what is not there changes nothing. */
  delete(sha256: string): Promise<void>;
}

/** Nest token of the configured AttachmentContentStore. */
export const ATTACHMENT_STORE = Symbol('ATTACHMENT_STORE');
