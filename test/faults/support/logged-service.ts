import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort, kill } from '../../support/service-process';

const ROOT = join(__dirname, '..', '..', '..');

/** The real service in a child process with everything it writes to stdout and stderr kept. */
export interface LoggedService {
  child: ChildProcess;
  port: number;
  /** stdout and stderr so far, interleaved as they arrived, without colour codes. */
  output(): string;
  /** An HTTP call; the answer's text is kept raw (it may not be JSON). */
  call(
    method: string,
    path: string,
    options?: { key?: string; body?: string | ReadableStream<Uint8Array>; headers?: Record<string, string> },
  ): Promise<{ status: number; text: string; body: unknown }>;
  stop(signal?: NodeJS.Signals): Promise<[number | null, string | null]>;
}

function spawnService(env: Record<string, string | undefined>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['-r', './libs/testing/src/ts-register.js', 'apps/journeys/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output.replace(/\x1b\[[0-9;]*m/g, '') };
}

/**
 * Starts the service on a free port with `env` (JOURNEYS_DATA_DIR and keys included) and waits until
 * `/health` answers at all (a store fault may make it 503 from the start).
 */
export async function startLoggedService(env: Record<string, string | undefined>): Promise<LoggedService> {
  const port = await freePort();
  const { child, output } = spawnService({ ...env, PORT: String(port) });
  const service: LoggedService = {
    child,
    port,
    output,
    async call(method, path, options = {}) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: {
          ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
          ...(typeof options.body === 'string' ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body,
        ...(options.body && typeof options.body !== 'string' ? { duplex: 'half' } : {}),
      } as RequestInit);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, text, body };
    },
    stop: (signal = 'SIGTERM') => kill(child, signal),
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited: ${output()}`);
    try {
      await fetch(`http://127.0.0.1:${port}/health`);
      return service;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`service did not start: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the service until it exits by itself (a configuration error); returns its exit code and output. */
export function runServiceToExit(
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  const { child, output } = spawnService({ PORT: '0', ...env });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not exit within ${timeoutMs} ms: ${output()}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output() });
    });
  });
}
