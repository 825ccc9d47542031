import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The EventStoreDB protocol test server in a process of its own, as a real server would be. */
export interface TestServerProcess {
  connectionString: string;
  stop(): Promise<void>;
}

/**
 * Starts `npm run eventstoredb:test-server` on a free port (TypeScript from the repository, compiled
 * on the fly: the test server is test support and stays out of the build), and waits for the
 * connection string it prints. With its own event loop it answers at its own pace, not between the
 * turns of the process that drives the load (a bench, a multi-process test).
 * @param options.statsPeriodMs how often it writes `$statsCollected` (ms); `false`: never (default 30,000).
 */
export async function startTestServerProcess(
  options: { statsPeriodMs?: number | false } = {},
): Promise<TestServerProcess> {
  const root = repositoryRoot();
  const stats = options.statsPeriodMs === false ? 0 : (options.statsPeriodMs ?? 30_000);
  const child = spawn(
    process.execPath,
    [
      '-r',
      './libs/testing/src/ts-register.js',
      'libs/testing/src/eventstoredb-server/cli.ts',
      '--port',
      '0',
      '--stats-period-ms',
      String(stats),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const connectionString = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = /^EVENTSTORE_CONNECTION_STRING=(.+)$/m.exec(out);
      if (line) resolve(line[1].trim());
    });
    child.once('exit', (code) => reject(new Error(`The test server exited with ${code} before it listened`)));
  });
  return {
    connectionString,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The repository's root, from its sources or from a build of them (dist/). */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'libs', 'testing', 'src', 'ts-register.js'))) return dir;
  }
  throw new Error('The repository root (with libs/testing) was not found above this file');
}
