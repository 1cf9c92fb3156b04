import type { AttachmentContentStore } from './attachment-store.port';
import { sha256Hex, signS3Request, uriEncode, type S3Credentials } from './sigv4';

export type S3StoreOptions = S3Credentials & {
  /** e.g. `http://s3mock:9090` or `https://s3.cn-north-1.amazonaws.com.cn` (path-style requests). */
  endpoint: string;
  bucket: string;
  /** Key prefix inside the bucket (default `attachments/`). */
  prefix?: string;
  /** Create the bucket on first use when it is missing (default true). */
  createBucket?: boolean;
  fetch?: typeof fetch;
};

export class S3StoreError extends Error {}

const EMPTY_SHA256 = sha256Hex('');

/**
 * The distributed topology's store: an S3-compatible object store (AWS S3, MinIO, Ceph,
 * Adobe S3Mock in the tests), path-style requests signed with AWS Signature V4. The object
 * key is `<prefix><sha256>`; S3 checks the body against `x-amz-content-sha256`, so what is
 * stored is exactly the bytes the event's hash names.
 */
export class S3AttachmentStore implements AttachmentContentStore {
  readonly kind = 's3';
  private bucketReady?: Promise<void>;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: S3StoreOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  private url(key?: string): URL {
    const base = this.options.endpoint.replace(/\/+$/, '');
    return new URL(`${base}/${uriEncode(this.options.bucket)}${key === undefined ? '' : `/${key.split('/').map(uriEncode).join('/')}`}`);
  }

  private key(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new S3StoreError(`not a SHA-256: ${sha256}`);
    return `${this.options.prefix ?? 'attachments/'}${sha256}`;
  }

  private async send(method: string, url: URL, body?: Buffer, headers: Record<string, string> = {}, payloadSha256 = EMPTY_SHA256): Promise<Response> {
    const signed = signS3Request({ method, url, headers, payloadSha256 }, this.options, new Date());
    return this.fetch(url, { method, headers: signed, body: body === undefined ? undefined : new Uint8Array(body) });
  }

  private ensureBucket(): Promise<void> {
    if (this.options.createBucket === false) return Promise.resolve();
    this.bucketReady ??= (async () => {
      const head = await this.send('HEAD', this.url());
      if (head.ok) return;
      const created = await this.send('PUT', this.url());
      // 409 BucketAlreadyOwnedByYou: another instance created it meanwhile.
      if (!created.ok && created.status !== 409) throw new S3StoreError(`creating bucket ${this.options.bucket}: HTTP ${created.status} ${await created.text()}`);
    })().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  async put(sha256: string, content: Buffer, mediaType: string): Promise<void> {
    await this.ensureBucket();
    const actual = sha256Hex(content);
    if (actual !== sha256) throw new S3StoreError(`content hashes to ${actual}, not ${sha256}`);
    const response = await this.send('PUT', this.url(this.key(sha256)), content, { 'content-type': mediaType, 'content-length': String(content.length) }, sha256);
    if (!response.ok) throw new S3StoreError(`PUT ${sha256}: HTTP ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    await this.ensureBucket();
    const response = await this.send('GET', this.url(this.key(sha256)));
    if (response.status === 404) {
      await response.arrayBuffer();
      return undefined;
    }
    if (!response.ok) throw new S3StoreError(`GET ${sha256}: HTTP ${response.status} ${await response.text()}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    // Content-addressed: bytes that do not hash to their key are not the evidence.
    if (sha256Hex(bytes) !== sha256) throw new S3StoreError(`object ${sha256} does not hash to its key`);
    return bytes;
  }

  async delete(sha256: string): Promise<void> {
    await this.ensureBucket();
    const response = await this.send('DELETE', this.url(this.key(sha256)));
    if (!response.ok && response.status !== 404) throw new S3StoreError(`DELETE ${sha256}: HTTP ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  }
}
