import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const KAFKA_SCRIPT = resolve(__dirname, '../../../deploy/local/kafka.sh');
/** Set by the global setup only when it started the broker, so the teardown stops only that one. */
const STARTED_DATA_DIR_ENV = 'JOURNEYS_TEST_KAFKA_DATA_DIR';
const PREFERRED_TEST_PORT = 19092;
/** Covers a first-time Maven fetch plus the broker's own start-up bound in kafka.sh. */
const START_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 60_000;

/** How the Kafka suites of a jest run get their broker. */
export type TestKafkaBroker =
  | { kind: 'external'; brokers: string[] }
  | { kind: 'started'; brokers: string[]; dataDir: string }
  | { kind: 'unavailable'; reason: string };

/**
 * The Kafka bootstrap servers the tests should use, from the comma-separated `KAFKA_BROKERS`,
 * or `undefined` when no broker is known (Kafka suites then skip).
 */
export function kafkaBrokers(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return brokers.length > 0 ? brokers : undefined;
}

/**
 * `describe` when a Kafka broker is known, `describe.skip` otherwise, so suites that need a real
 * broker are reported as skipped rather than failing on machines without Java.
 */
export function describeKafka(name: string, fn: () => void): void {
  (kafkaBrokers() ? describe : describe.skip)(name, fn);
}

/** A topic or consumer-group name that no other test or test run uses. */
export function uniqueKafkaName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/**
 * For a jest `globalSetup`: uses `KAFKA_BROKERS` when set; otherwise, when java and mvn are on
 * PATH, starts a throwaway broker with deploy/local/kafka.sh (own port and temp data dir, so it
 * never collides with a developer's broker) and exports `KAFKA_BROKERS` to the workers.
 * Rejects when a broker should start but does not: that is a broken machine, not a skip.
 */
export async function provideTestKafkaBroker(): Promise<TestKafkaBroker> {
  const external = kafkaBrokers();
  if (external) {
    return { kind: 'external', brokers: external };
  }
  if (!isOnPath('java') || !isOnPath('mvn')) {
    const reason = 'no KAFKA_BROKERS and no java/mvn on PATH';
    console.log(`Kafka suites skipped: ${reason}`);
    return { kind: 'unavailable', reason };
  }

  const [port, controllerPort] = await choosePorts();
  const dataDir = mkdtempSync(join(tmpdir(), 'journeys-test-kafka-'));
  const env = kafkaScriptEnv(dataDir, { KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort) });
  const result = await runKafkaScript('start', env, START_TIMEOUT_MS);
  const brokersLine = /^KAFKA_BROKERS=(.+)$/m.exec(result.stdout);
  if (result.code !== 0 || !brokersLine) {
    await runKafkaScript('stop', env, STOP_TIMEOUT_MS);
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`deploy/local/kafka.sh start failed (exit ${result.code}):\n${result.stderr}`);
  }

  process.env.KAFKA_BROKERS = brokersLine[1];
  process.env[STARTED_DATA_DIR_ENV] = dataDir;
  const brokers = kafkaBrokers() ?? [];
  console.log(`Kafka test broker started at ${brokers.join(',')} (data and logs in ${dataDir})`);
  return { kind: 'started', brokers, dataDir };
}

/** For a jest `globalTeardown`: stops and deletes the broker only if the setup started it. */
export async function releaseTestKafkaBroker(): Promise<void> {
  const dataDir = process.env[STARTED_DATA_DIR_ENV];
  if (!dataDir) {
    return;
  }
  const result = await runKafkaScript('stop', kafkaScriptEnv(dataDir, {}), STOP_TIMEOUT_MS);
  if (result.code !== 0) {
    throw new Error(
      `deploy/local/kafka.sh stop failed (exit ${result.code}); logs kept in ${dataDir}:\n${result.stderr}`,
    );
  }
  rmSync(dataDir, { recursive: true, force: true });
  delete process.env[STARTED_DATA_DIR_ENV];
  delete process.env.KAFKA_BROKERS;
}

function kafkaScriptEnv(dataDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, KAFKA_DATA_DIR: dataDir, ...extra };
}

interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runKafkaScript(command: 'start' | 'stop', env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ScriptResult> {
  return new Promise((resolvePromise, reject) => {
    // The broker inherits no pipe from the script (it writes to files), so 'close' fires when
    // the script itself ends.
    const child = spawn('bash', [KAFKA_SCRIPT, command], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

function isOnPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** 19092/19093 when free (easy to recognise in logs), else two ports the OS hands out. */
async function choosePorts(): Promise<[number, number]> {
  if ((await isPortFree(PREFERRED_TEST_PORT)) && (await isPortFree(PREFERRED_TEST_PORT + 1))) {
    return [PREFERRED_TEST_PORT, PREFERRED_TEST_PORT + 1];
  }
  // Both held open at once so the OS cannot hand out the same port twice.
  const servers = await Promise.all([listenOnFreePort(), listenOnFreePort()]);
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  if (ports.some((port) => port === 0)) {
    throw new Error('the OS returned no free port for the test Kafka broker');
  }
  return [ports[0], ports[1]];
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePromise(true)));
  });
}

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePromise(server));
  });
}
