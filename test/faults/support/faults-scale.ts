/** How big the harness runs: `reduced` (CI, a few minutes in all) or `full` (FAULTS_SCALE=full). */
export type FaultsScale = 'reduced' | 'full';

export interface FaultsSizes {
  scale: FaultsScale;
  /** fast-check runs per bad-input property. */
  badInputRuns: number;
  /** Commands fired at once at one journey, per round. */
  concurrentCommands: number;
  /** Rounds of concurrent commands (each on a fresh journey). */
  concurrencyRounds: number;
  /** Triggers acknowledged before a store fault. */
  triggersBeforeFault: number;
  /** Per test (jest.setTimeout). */
  testTimeoutMs: number;
}

const SIZES: Record<FaultsScale, Omit<FaultsSizes, 'scale'>> = {
  reduced: {
    badInputRuns: 60,
    concurrentCommands: 32,
    concurrencyRounds: 10,
    triggersBeforeFault: 200,
    testTimeoutMs: 120_000,
  },
  full: {
    badInputRuns: 1_000,
    concurrentCommands: 64,
    concurrencyRounds: 60,
    triggersBeforeFault: 5_000,
    testTimeoutMs: 900_000,
  },
};

/** Reads FAULTS_SCALE; anything else than `reduced` or `full` is a mistake worth stopping for. */
export function faultsSizes(env: Record<string, string | undefined> = process.env): FaultsSizes {
  const scale = env.FAULTS_SCALE ?? 'reduced';
  if (scale !== 'reduced' && scale !== 'full') {
    throw new Error(`FAULTS_SCALE must be "reduced" or "full", got "${scale}"`);
  }
  return { scale, ...SIZES[scale] };
}
