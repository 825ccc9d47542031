import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { HotSpots } from './cpu-profile';

/** What one scenario measured: its sizes and figures (numbers only), how it ran, and where the time went. */
export interface BenchResult {
  name: string;
  figures: Record<string, number>;
  notes: string;
  /** CPU profiles of the measured phases, when the run was profiled. */
  hotSpots?: HotSpots[];
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine moves the figures. */
  loadAverage: number;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: Number(loadavg()[0].toFixed(2)),
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}, load average ${m.loadAverage}`;
}

/** Prints a result the way every scenario does when run alone: the machine, the figures, the notes. */
export function printResult(result: BenchResult): void {
  console.log(`\n${result.name} on ${describeMachine(machine())}`);
  console.table(Object.entries(result.figures).map(([figure, value]) => ({ figure, value })));
  console.log(result.notes);
  for (const spots of result.hotSpots ?? []) console.log(spots.summary.join('\n'));
}

export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const MiB = 2 ** 20;

/**
 * Runs one scenario when its file is executed directly (`node -r ./libs/testing/src/ts-register.js
 * bench/<file>.ts [--quick] [--profile]`): a scratch directory, the flags, the printed result.
 */
export function runAlone(
  name: string,
  scenario: (opts: { quick: boolean; dir: string; profile?: string }) => Promise<BenchResult>,
): void {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-'));
  scenario({
    quick: process.argv.includes('--quick'),
    dir,
    profile: process.argv.includes('--profile') ? join(dir, name) : undefined,
  })
    .then(printResult)
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}
