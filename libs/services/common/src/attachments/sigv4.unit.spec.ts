import { attachmentStoreConfig, maxUploadBytes } from './attachment-config';
import { sha256Hex, signS3Request } from './sigv4';

describe('AWS Signature V4 for the S3 store', () => {
  it('signs the S3 API reference example "GET Object" to its published signature', () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object".
    const headers = signS3Request(
      { method: 'GET', url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'), headers: { range: 'bytes=0-9' }, payloadSha256: sha256Hex('') },
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1' },
      new Date('2013-05-24T00:00:00Z'),
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
  });
});

describe('Attachment store configuration', () => {
  it('defaults to PostgreSQL and reads the S3 settings, refusing what could not work with the variable named', () => {
    expect(attachmentStoreConfig({})).toEqual({ kind: 'postgres' });
    expect(attachmentStoreConfig({ ATTACHMENT_STORE: 's3', S3_ENDPOINT: 'http://s3mock:9090', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' })).toEqual({
      kind: 's3',
      endpoint: 'http://s3mock:9090',
      bucket: 'complaints-attachments',
      region: 'us-east-1',
      accessKeyId: 'a',
      secretAccessKey: 'b',
      prefix: 'attachments/',
    });
    expect(() => attachmentStoreConfig({ ATTACHMENT_STORE: 's3' })).toThrow('S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY');
    expect(() => attachmentStoreConfig({ ATTACHMENT_STORE: 'disk' })).toThrow('ATTACHMENT_STORE');
    expect(() => attachmentStoreConfig({ ATTACHMENT_STORE: 's3', S3_ENDPOINT: 'x', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' })).toThrow('S3_ENDPOINT');
    expect(maxUploadBytes({})).toBe(25 * 1024 * 1024);
    expect(() => maxUploadBytes({ ATTACHMENT_MAX_UPLOAD_BYTES: '-1' })).toThrow('ATTACHMENT_MAX_UPLOAD_BYTES');
  });
});
