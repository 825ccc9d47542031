import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../apps/journeys/src/bootstrap';
import type { Clock } from '../../apps/journeys/src/common/clock';
import { eventStoreSettings, releaseEventStore } from './store-mode';

export const KEYS = {
  admin: 'ops-admin-secret-0001',
  editor: 'ed-editor-secret-0002',
  viewer: 'vi-viewer-secret-0003',
  ingest: 'in-ingest-secret-0004',
} as const;
export type TestRole = keyof typeof KEYS;
export const ACTOR: Record<TestRole, string> = { admin: 'ops', editor: 'ed', viewer: 'vi', ingest: 'feeder' };

/** The consent mode a test app runs with; `asStored`: whatever the delivery settings hold. */
export type TestConsentMode = 'optIn' | 'optOut' | 'asStored';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-11-28T10:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(ms: number): void {
    this.current = new Date(ms);
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  dataDir: string;
  clock: ManualClock;
  request(
    role: TestRole | undefined,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * The whole service in a temporary data directory, driven through Fastify's inject, on the embedded
 * store (or on EventStoreDB in the jest project `eventstoredb`, see store-mode.ts). `env` adds to
 * (or overrides) the test settings, e.g. KAFKA_BROKERS and topic names.
 *
 * `consentMode`: the suites written before consent existed send to customers who never gave any, so
 * by default the app runs with consentMode `optOut` (set through `PUT /settings` when it differs);
 * `asStored` leaves the delivery settings as the service has them (opt-in until changed).
 */
export async function startTestApp(
  options: {
    dataDir?: string;
    clock?: ManualClock;
    env?: Record<string, string>;
    consentMode?: TestConsentMode;
  } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'journeys-e2e-'));
  const clock = options.clock ?? new ManualClock();
  const env = {
    JOURNEYS_DATA_DIR: dataDir,
    JOURNEYS_API_KEYS: Object.entries(KEYS)
      .map(([role, secret]) => `${ACTOR[role as TestRole]}:${role}:${secret}`)
      .join(','),
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...(await eventStoreSettings(dataDir)),
    // The suites run with one engine partition unless the run asks for more (npm run test:partitions).
    ...(process.env.JOURNEYS_PARTITIONS ? { JOURNEYS_PARTITIONS: process.env.JOURNEYS_PARTITIONS } : {}),
    ...options.env,
  };
  const app = await createApp(env, clock);
  await app.getHttpAdapter().getInstance().ready();
  await setConsentMode(app, options.consentMode ?? 'optOut');
  return {
    app,
    dataDir,
    clock,
    async request(role, method, url, body, headers = {}) {
      const response = await app.inject({
        method,
        url,
        headers: { ...(role ? { authorization: `Bearer ${KEYS[role]}` } : {}), ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const text = response.body;
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON (the OpenAPI UI, Prometheus text): keep the text.
      }
      return { status: response.statusCode, body: parsed, headers: response.headers };
    },
    async close({ keepData = false } = {}) {
      await app.close();
      if (keepData) return;
      rmSync(dataDir, { recursive: true, force: true });
      await releaseEventStore(dataDir);
    },
  };
}

/** Changes the settings' consent mode when it differs (nothing is stored otherwise). */
async function setConsentMode(app: NestFastifyApplication, mode: TestConsentMode): Promise<void> {
  if (mode === 'asStored') return;
  const authorization = `Bearer ${KEYS.admin}`;
  const current = (await app.inject({ method: 'GET', url: '/settings', headers: { authorization } })).json();
  if (current.consentMode === mode) return;
  const { consentMode: _, revision: __, changedAt: ___, changedBy: ____, ...rest } = current;
  const answer = await app.inject({
    method: 'PUT',
    url: '/settings',
    headers: { authorization },
    payload: { ...rest, consentMode: mode },
  });
  if (answer.statusCode !== 200) throw new Error(`PUT /settings: ${answer.statusCode} ${answer.body}`);
}

/** Polls a condition until it holds (no fixed sleeps in assertions). */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
