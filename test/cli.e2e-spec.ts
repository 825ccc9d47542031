import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../apps/journeys/src/cli/main';
import { KEYS, startTestApp, type TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');

/** The `journeys` CLI against the service over HTTP: apply, diff, export, publish, status, validate. */
describe('the journeys CLI', () => {
  let t: TestApp;
  let url: string;
  let scratch: string;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    scratch = mkdtempSync(join(tmpdir(), 'journeys-cli-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Runs the CLI in-process; stdout and stderr captured. */
  async function journeys(...args: string[]) {
    let out = '';
    let err = '';
    const code = await main(
      ['--url', url, '--key', KEYS.editor, ...args],
      (text) => (out += text),
      (text) => (err += text),
    );
    return { code, out, err, json: () => JSON.parse(out) };
  }

  it('--help exits 0 and names every command', async () => {
    const help = await journeys('--help');
    expect(help.code).toBe(0);
    for (const command of ['validate', 'apply', 'diff', 'export', 'publish', 'status', 'rebuild-projections']) {
      expect(help.out).toContain(command);
    }
    expect((await journeys('no-such-command')).code).toBe(2);
  });

  it('validates offline with the publish rules, exiting 1 on any problem', async () => {
    expect(await journeys('validate', EXAMPLES)).toMatchObject({ code: 0 });
    const broken = join(scratch, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({
        name: 'Broken',
        audience: { type: 'trigger', trigger: 'signed-up' },
        steps: [{ id: 'a', type: 'send', channel: 'email', content: 'x', next: 'nowhere' }],
      }),
    );
    const result = await journeys('--json', 'validate', broken);
    expect(result.code).toBe(1);
    expect(result.json()[0].problems).toEqual([
      expect.objectContaining({ code: 'UnknownStep', path: '$.steps[0].next' }),
    ]);
  });

  it('applies a directory idempotently by name, publishes, diffs against Live and exports', async () => {
    const first = await journeys('--json', 'apply', EXAMPLES);
    expect(first.code).toBe(0);
    expect(first.json().map((r: { kind: string; outcome: string }) => `${r.kind} ${r.outcome}`)).toEqual([
      ...Array(4).fill('trigger created'),
      'journey created',
      'journey created',
    ]);
    const again = await journeys('--json', 'apply', EXAMPLES);
    expect(again.json().every((r: { outcome: string }) => r.outcome === 'unchanged')).toBe(true);

    expect(await journeys('publish', 'Welcome series')).toMatchObject({
      code: 0,
      out: expect.stringContaining('Live'),
    });
    const welcome = join(EXAMPLES, 'welcome.json');
    expect((await journeys('--json', 'diff', welcome)).json()).toMatchObject({ same: true, liveVersion: 1 });

    const changed = JSON.parse(readFileSync(welcome, 'utf8'));
    changed.steps[0].content = 'welcome-v2';
    changed.steps = changed.steps.filter((s: { id: string }) => s.id !== 'reminder');
    changed.steps.push({ id: 'bye', type: 'exit' });
    changed.steps.find((s: { id: string }) => s.id === 'await-purchase').no = 'bye';
    const file = join(scratch, 'welcome-v2.json');
    writeFileSync(file, JSON.stringify(changed));
    const diff = await journeys('--json', 'diff', file);
    expect(diff.json().changes).toEqual({
      stepsAdded: ['bye'],
      stepsRemoved: ['reminder'],
      stepsChanged: ['welcome', 'await-purchase'],
      fieldsChanged: [],
    });

    // Applying the change makes a new draft beside the Live version; export gives the file back.
    expect((await journeys('--json', 'apply', file)).json()[0]).toMatchObject({
      outcome: 'updated',
      state: 'Live, editing',
    });
    const exported = join(scratch, 'exported.json');
    expect((await journeys('export', 'Welcome series', '-o', exported)).code).toBe(0);
    expect(JSON.parse(readFileSync(exported, 'utf8'))).toEqual(changed);
    const live = await journeys('export', 'Welcome series', '--version', '1');
    expect(JSON.parse(live.out)).toEqual(JSON.parse(readFileSync(welcome, 'utf8')));

    const status = (await journeys('--json', 'status')).json();
    expect(status.map((j: { name: string; state: string }) => `${j.name}: ${j.state}`).sort()).toEqual([
      'Loyalty weekly digest: Draft',
      'Welcome series: Live, editing',
    ]);
  });

  it('exits 1 with every validation error when a publish leaves the journey a Draft', async () => {
    const file = join(scratch, 'unknown-trigger.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'Never ready',
        audience: { type: 'trigger', trigger: 'no-such-trigger' },
        steps: [{ id: 's', type: 'send', channel: 'email', content: 'x' }],
      }),
    );
    expect((await journeys('apply', file)).code).toBe(0);
    const refused = await journeys('publish', 'Never ready');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('TriggerNotFound');
  });

  it('rebuilds projections on a data directory through the package bin', async () => {
    const dataDir = join(scratch, 'data');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'bin/journeys.js'), 'rebuild-projections'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          JOURNEYS_DATA_DIR: dataDir,
          JOURNEYS_API_KEYS: `ops:admin:${KEYS.admin}`,
          KAFKA_BROKERS: '',
        },
      },
    );
    expect(stdout).toMatch(/^Rebuilt .*journey_state.*: 0 events/);
  }, 60_000);
});
