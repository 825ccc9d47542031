import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from '../../support/service-process';

const KAFKA_SCRIPT = resolve(__dirname, '../../../deploy/local/kafka.sh');

/**
 * A Kafka broker this suite owns (deploy/local/kafka.sh on its own ports and data directory), so it
 * can be stopped and restarted mid-load without disturbing any other broker or suite.
 */
export interface OwnKafkaBroker {
  brokers: string[];
  stop(): Promise<void>;
  /** Starts it again on the same port and data (topics, offsets and messages kept). */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** Why no broker can be started here, or undefined when java and mvn are on PATH. */
export function ownBrokerUnsupported(): string | undefined {
  const missing = ['java', 'mvn'].filter(
    (program) =>
      !(process.env.PATH ?? '').split(delimiter).some((dir) => {
        try {
          accessSync(join(dir, program), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
  );
  return missing.length ? `no ${missing.join(' or ')} on PATH to run deploy/local/kafka.sh` : undefined;
}

function script(command: 'start' | 'stop', env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn('bash', [KAFKA_SCRIPT, command], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out }));
  });
}

export async function startOwnKafkaBroker(): Promise<OwnKafkaBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'journeys-faults-kafka-'));
  const port = await freePort();
  const env = {
    ...process.env,
    KAFKA_DATA_DIR: dataDir,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
  };
  const run = async (command: 'start' | 'stop') => {
    const result = await script(command, env);
    if (result.code !== 0) throw new Error(`kafka.sh ${command} failed (exit ${result.code}): ${result.out}`);
  };
  await run('start');
  return {
    brokers: [`127.0.0.1:${port}`],
    stop: () => run('stop'),
    start: () => run('start'),
    async dispose() {
      await script('stop', env);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
