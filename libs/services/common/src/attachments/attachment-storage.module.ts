import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@complaints/service-kit';
import { ATTACHMENT_STORE, type AttachmentContentStore } from './attachment-store.port';
import { attachmentStoreConfig } from './attachment-config';
import { AttachmentReferences, PostgresAttachmentStore } from './postgres-attachment-store';
import { S3AttachmentStore } from './s3-attachment-store';

export const createAttachmentStore = (pool: Pool, env: NodeJS.ProcessEnv = process.env): AttachmentContentStore => {
  const config = attachmentStoreConfig(env);
  return config.kind === 's3' ? new S3AttachmentStore(config) : new PostgresAttachmentStore(pool);
};

/** The configured attachment store (ATTACHMENT_STORE) and the complaint → content references. */
@Module({
  providers: [
    { provide: ATTACHMENT_STORE, inject: [PG_POOL], useFactory: (pool: Pool) => createAttachmentStore(pool) },
    { provide: AttachmentReferences, inject: [PG_POOL], useFactory: (pool: Pool) => new AttachmentReferences(pool) },
  ],
  exports: [ATTACHMENT_STORE, AttachmentReferences],
})
export class AttachmentStorageModule {}
