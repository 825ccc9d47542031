import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contractValidator } from '@journeys/contract';
import type { TriggerDefinitionInfo } from '@journeys/definition';
import { validateOffline } from '../apps/journeys/src/cli/offline-validation';
import { EDITOR_KEY, freePort, kill, startService } from './support/service-process';

const ROOT = join(__dirname, '..');
const DOCS = join(ROOT, 'docs');

interface Example {
  doc: string;
  line: number;
  language: string;
  annotation?: string;
  text: string;
}

/** Every fenced block of every page in docs/, with the `<!-- ... -->` comment above it (blank lines between allowed). */
function examples(): Example[] {
  return readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .flatMap((doc) => {
      const lines = readFileSync(join(DOCS, doc), 'utf8').split('\n');
      const found: Example[] = [];
      for (let i = 0; i < lines.length; i++) {
        const open = /^```(\w*)$/.exec(lines[i]);
        if (!open) continue;
        const end = lines.indexOf('```', i + 1);
        let above = i - 1;
        while (above > 0 && lines[above].trim() === '') above--;
        const annotation = /^<!-- (.*) -->$/.exec(lines[above] ?? '')?.[1];
        found.push({ doc, line: i + 1, language: open[1], annotation, text: lines.slice(i + 1, end).join('\n') });
        i = end;
      }
      return found;
    });
}

/** The trigger definitions of examples/triggers, Ready: what the publishable examples name. */
function exampleTriggers(): Map<string, TriggerDefinitionInfo> {
  const dir = join(ROOT, 'examples/triggers');
  return new Map(
    readdirSync(dir).map((file) => {
      const definition = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      return [definition.name, { state: 'Ready', attributes: definition.attributes }] as const;
    }),
  );
}

const all = examples();
const where = (e: Example) => `${e.doc}:${e.line}`;

describe('every example in docs/', () => {
  it('is a JSON block checked against a schema or a shell block that is run', () => {
    expect(all.length).toBeGreaterThan(30);
    const unchecked = all.filter(
      (e) =>
        !(e.language === 'json' && e.annotation?.startsWith('check: ')) &&
        !(e.language === 'bash' && e.annotation === 'run'),
    );
    expect(unchecked.map(where)).toEqual([]);
  });

  it.each(all.filter((e) => e.language === 'json').map((e) => [where(e), e] as const))('%s is valid', (_, example) => {
    const [schema, publishable] = example.annotation!.slice('check: '.length).split(' ');
    const value = JSON.parse(example.text);
    expect(contractValidator().validate(schema, value)).toEqual([]);
    if (publishable === 'publishable') {
      expect(validateOffline(value, exampleTriggers(), new Date('2026-11-28T10:00:00Z'))).toEqual({ problems: [] });
    }
  });

  it('examples/welcome.json is the definition docs/journey-definition.md shows', () => {
    const shown = all.find((e) => e.doc === 'journey-definition.md' && e.annotation?.endsWith('publishable'))!;
    expect(JSON.parse(shown.text)).toEqual(JSON.parse(readFileSync(join(ROOT, 'examples/welcome.json'), 'utf8')));
  });

  it.each(all.filter((e) => e.language === 'bash').map((e) => [where(e), e] as const))(
    '%s runs against a fresh service',
    async (_, example) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'journeys-docs-'));
      const port = await freePort();
      const service = await startService(dataDir, port);
      try {
        const base = `http://127.0.0.1:${port}`;
        const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', example.text], {
          cwd: ROOT,
          env: { ...process.env, BASE: base, KEY: EDITOR_KEY, JOURNEYS_URL: base, JOURNEYS_API_KEY: EDITOR_KEY },
        });
        expect(stdout).not.toContain('"error"');
      } finally {
        await kill(service, 'SIGTERM');
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
