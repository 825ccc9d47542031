import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { eventStoreSettings } from './store-mode';

/** The repository root, from the sources or from the build (dist/test/support), where the bench runs. */
const ROOT = (function root(dir: string): string {
  if (existsSync(join(dir, 'libs', 'testing', 'src', 'ts-register.js'))) return dir;
  if (dirname(dir) === dir) throw new Error('the repository root was not found');
  return root(dirname(dir));
})(__dirname);
export const EDITOR_KEY = 'ed-editor-secret-0002';
export const INGEST_KEY = 'in-ingest-secret-0004';
/** The admin key of the service (`ops`): tests that list their own keys add it to change the delivery settings. */
export const ADMIN_KEY = 'ops-admin-secret-0001';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The real service in a child process, compiled on the fly (no build step needed), on the embedded
 * store of `dataDir` or, in the jest project `eventstoredb`, on that directory's EventStoreDB test
 * server. As in startTestApp, the service runs with consentMode `optOut` (the suites predate
 * consent) when it has the admin key; `consentMode: 'asStored'` leaves the settings alone.
 */
export async function startService(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
  options: { consentMode?: 'optOut' | 'asStored' } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', './libs/testing/src/ts-register.js', 'apps/journeys/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      JOURNEYS_DATA_DIR: dataDir,
      JOURNEYS_API_KEYS: `ed:editor:${EDITOR_KEY},feed:ingest:${INGEST_KEY},ops:admin:${ADMIN_KEY}`,
      LOG_LEVEL: 'warn',
      ...(await eventStoreSettings(dataDir)),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited: ${stderr}`);
    try {
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      if (health.ok) {
        const keys = env.JOURNEYS_API_KEYS ?? ADMIN_KEY;
        if (options.consentMode !== 'asStored' && keys.includes(ADMIN_KEY)) await optOutOfConsent(port);
        return child;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`service did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sets consentMode optOut when the settings say otherwise (several replicas may ask at once: a conflict is retried). */
async function optOutOfConsent(port: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await call(port, ADMIN_KEY, 'GET', '/settings');
    if (current.body.consentMode === 'optOut') return;
    const { frequencyCaps, quietHours } = current.body;
    const put = await call(port, ADMIN_KEY, 'PUT', '/settings', { consentMode: 'optOut', frequencyCaps, quietHours });
    if (put.status === 200) return;
    if (attempt >= 5) throw new Error(`PUT /settings: ${put.status} ${JSON.stringify(put.body)}`);
  }
}

export async function kill(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<[number | null, string | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return [child.exitCode, child.signalCode];
  const exited = new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  child.kill(signal);
  return exited;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions */
export async function call(port: number, key: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
