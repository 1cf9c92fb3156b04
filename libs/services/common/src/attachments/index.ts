export * from './attachment-store.port';
export * from './attachment-config';
export * from './postgres-attachment-store';
export * from './s3-attachment-store';
export * from './sigv4';
export * from './attachment-storage.module';
export * from './attachment.dto';
