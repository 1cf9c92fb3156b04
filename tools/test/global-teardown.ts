export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __embeddedPostgres__?: { stop(): Promise<void> } }).__embeddedPostgres__;
  if (server) await server.stop();
}
