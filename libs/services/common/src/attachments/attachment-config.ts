/**
 * Where attachment bytes are kept (README "Attachments"), from the environment:
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `ATTACHMENT_STORE` | `postgres` (bytea beside the events) or `s3` (an S3-compatible object store) | `postgres` |
 * | `S3_ENDPOINT` | the store's URL, path-style (`http://s3mock:9090`, `https://s3.<region>.amazonaws.com`) | required with `s3` |
 * | `S3_BUCKET` | bucket (created on first use when missing) | `complaints-attachments` |
 * | `S3_REGION` | signing region | `us-east-1` |
 * | `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY` | credentials (AWS Signature V4) | required with `s3` |
 * | `S3_PREFIX` | key prefix inside the bucket | `attachments/` |
 * | `ATTACHMENT_MAX_UPLOAD_BYTES` | the HTTP layer's cap on one upload (the site policy's `attachments.maxBytes` is the rule; this only stops a huge body early) | 26214400 (25 MiB) |
 */
export type AttachmentStoreConfig =
  | { kind: 'postgres' }
  | { kind: 's3'; endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string; prefix: string };

export class AttachmentConfigError extends Error {}

export const attachmentStoreConfig = (env: NodeJS.ProcessEnv = process.env): AttachmentStoreConfig => {
  const kind = (env.ATTACHMENT_STORE || 'postgres').toLowerCase();
  if (kind === 'postgres') return { kind: 'postgres' };
  if (kind !== 's3') throw new AttachmentConfigError(`ATTACHMENT_STORE must be postgres or s3; got "${env.ATTACHMENT_STORE}"`);
  const missing = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].filter((name) => !env[name]);
  if (missing.length) throw new AttachmentConfigError(`ATTACHMENT_STORE=s3 needs ${missing.join(', ')}`);
  const endpoint = env.S3_ENDPOINT as string;
  if (!/^https?:\/\/[^/\s]+/.test(endpoint)) throw new AttachmentConfigError(`S3_ENDPOINT must be an http(s) URL; got "${endpoint}"`);
  const bucket = env.S3_BUCKET || 'complaints-attachments';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new AttachmentConfigError(`S3_BUCKET "${bucket}" is not a valid bucket name (3–63 lowercase letters, digits, dots, hyphens)`);
  return {
    kind: 's3',
    endpoint,
    bucket,
    region: env.S3_REGION || 'us-east-1',
    accessKeyId: env.S3_ACCESS_KEY_ID as string,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY as string,
    prefix: env.S3_PREFIX ?? 'attachments/',
  };
};

export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export const maxUploadBytes = (env: NodeJS.ProcessEnv = process.env): number => {
  const value = env.ATTACHMENT_MAX_UPLOAD_BYTES;
  if (value === undefined || value === '') return DEFAULT_MAX_UPLOAD_BYTES;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new AttachmentConfigError(`ATTACHMENT_MAX_UPLOAD_BYTES must be a positive whole number; got "${value}"`);
  return n;
};
