// Types for kafka-broker.cjs (CommonJS). From a test:
//   import { startKafka } from '../../infra/kafka/kafka-broker.cjs';
export interface KafkaBrokerOptions {
  /** PLAINTEXT port on 127.0.0.1 (default $KAFKA_PORT or 9092). */
  port?: number;
  /** CONTROLLER port on 127.0.0.1 (default $KAFKA_CONTROLLER_PORT or port + 1). */
  controllerPort?: number;
  /** Broker data dir (default $KAFKA_DATA_DIR or <repo>/.data/kafka). */
  dataDir?: string;
  /** Jar cache (default $KAFKA_CACHE_DIR or ~/.cache/complaints-kafka/<version>). */
  cacheDir?: string;
  /** Kafka version to fetch/run (default $KAFKA_VERSION or 4.3.1). */
  version?: string;
  /** Max heap such as "512m", or full JVM heap flags (default -Xms128m -Xmx512m). */
  heap?: string;
  /** Wipe the data dir (stopping its broker first) before starting. */
  fresh?: boolean;
  /** Readiness timeout (default 90 000 ms). */
  startTimeoutMs?: number;
  /** SIGTERM grace period before SIGKILL (default 30 000 ms). */
  stopTimeoutMs?: number;
  /** Stream the scripts' output to stderr. */
  verbose?: boolean;
}

export interface KafkaBroker {
  brokers: string[];
  version: string;
  pid: number;
  dataDir: string;
  logFile: string;
  /** True when start found this data dir's broker already running. */
  alreadyRunning: boolean;
  stop(): Promise<void>;
  /** Default SIGKILL (crash); resolves when the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<KafkaBroker>;
}

export function startKafka(options?: KafkaBrokerOptions): Promise<KafkaBroker>;
export function stopKafka(options?: Pick<KafkaBrokerOptions, 'port' | 'controllerPort' | 'dataDir' | 'stopTimeoutMs' | 'verbose'>): Promise<void>;
export const DEFAULT_DATA_DIR: string;
