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
 * connection string it prints.
 */
export async function startTestServerProcess(): Promise<TestServerProcess> {
  const root = repositoryRoot();
  const child = spawn(
    process.execPath,
    ['-r', './libs/testing/src/ts-register.js', 'libs/testing/src/eventstoredb-server/cli.ts', '--port', '0'],
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

/** The directory of the repository's package.json, from bench/ or from its build in dist/bench/. */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'libs', 'testing', 'src', 'ts-register.js'))) return dir;
  }
  throw new Error('The repository root (with libs/testing) was not found above the bench');
}
