import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RecordedEvent } from '../event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

const repoRoot = resolve(__dirname, '../../../..');
const tsRegister = join(repoRoot, 'libs/testing/src/ts-register.js');
const appendChild = join(__dirname, 'testing/append-child.ts');

interface Ack {
  stream: string;
  revision: number;
  eventId: string;
}

describe('SqliteEventStore durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-sqlite-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged append when the process is killed with SIGKILL, round after round', async () => {
    const file = join(dir, 'events.sqlite');
    const acks: Ack[] = [];

    // Kill at different depths; each round continues the same streams in the same file.
    for (const acksBeforeKill of [500, 2_000, 5_000]) {
      acks.push(...(await runChildUntilKilled(file, acksBeforeKill)));

      const store = SqliteEventStore.open({ file });
      try {
        const stored = indexByStreamAndRevision(await store.readAll());
        const missing = acks.filter((ack) => stored.get(`${ack.stream}/${ack.revision}`)?.id !== ack.eventId);
        expect(missing).toEqual([]);
        expect(stored.size).toBeGreaterThanOrEqual(acks.length);
        for (const stream of new Set(acks.map((ack) => ack.stream))) {
          const revisions = (await store.readStream(stream)).map((e) => e.revision);
          expect(revisions).toEqual([...revisions.keys()]);
        }
      } finally {
        await store.close();
      }
    }
  }, 120_000);
});

/** Starts the appending child, reads its acknowledgements and kills it once enough have arrived. */
async function runChildUntilKilled(file: string, acksBeforeKill: number): Promise<Ack[]> {
  const child = spawn(process.execPath, ['-r', tsRegister, appendChild, file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: Ack[] = [];
  let pending = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    // Only complete lines count; the last element is the start of a line still being written.
    pending = lines.pop() ?? '';
    for (const line of lines) acks.push(parseAck(line));
    if (acks.length >= acksBeforeKill && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  });

  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];

  if (signal !== 'SIGKILL') throw new Error(`The child stopped by itself (code ${code}): ${stderr}`);
  return acks;
}

function parseAck(line: string): Ack {
  const [stream, revision, eventId] = line.split(' ');
  return { stream, revision: Number(revision), eventId };
}

function indexByStreamAndRevision(events: RecordedEvent[]): Map<string, RecordedEvent> {
  return new Map(events.map((e) => [`${e.streamName}/${e.revision}`, e]));
}
