import type { ApplyResult } from './apply';
import type { DiffResult } from './commands';
import type { FileValidation } from './offline-validation';

/** Prints for people, or the value as JSON for scripts (`--json`). */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  result(value: unknown, human: () => string): void {
    this.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  }
}

export function problemLines(problems: readonly unknown[]): string {
  return problems
    .map((problem) => {
      const p = problem as { code?: string; path?: string; message?: string };
      return `  ${p.code ?? 'Problem'} ${p.path ?? ''} ${p.message ?? JSON.stringify(problem)}`.trimEnd();
    })
    .join('\n');
}

export function applyLines(results: readonly ApplyResult[]): string {
  return results
    .map((r) => {
      const head = `${r.outcome.padEnd(9)} ${r.kind.padEnd(7)} ${r.name || r.file}${r.state ? ` (${r.state})` : ''}`;
      const why = r.message ? `\n  ${r.message}` : r.problems?.length ? `\n${problemLines(r.problems)}` : '';
      return `${head}${why}`;
    })
    .join('\n');
}

export function diffLines(result: DiffResult): string {
  const against = result.liveVersion === undefined ? 'no Live version' : `Live version ${result.liveVersion}`;
  if (result.same) return `${result.name}: same as ${against}`;
  const { stepsAdded, stepsRemoved, stepsChanged, fieldsChanged } = result.changes;
  const line = (sign: string, what: string, items: string[]) => items.map((item) => `  ${sign} ${what} ${item}`);
  return [
    `${result.name}: against ${against}`,
    ...line('+', 'step', stepsAdded),
    ...line('-', 'step', stepsRemoved),
    ...line('~', 'step', stepsChanged),
    ...line('~', 'field', fieldsChanged),
  ].join('\n');
}

export function validateLines(results: readonly FileValidation[]): string {
  return results
    .map((r) => {
      const skipped = r.skipped ? ` (${r.skipped})` : '';
      const problems = r.problems.length ? `\n${problemLines(r.problems)}` : '';
      return `${r.problems.length ? 'invalid' : 'valid  '} ${r.file}${skipped}${problems}`;
    })
    .join('\n');
}
