/**
 * The time module against luxon on the calls the hot path makes: parsing an instant (every trigger's
 * `occurredAt` and date-time attributes at intake, `before` / `after` conditions), a wall-clock time
 * in a zone (`wait` until, schedules), a duration (`wait`, re-entry) and calendar months in a zone
 * (recurring segments). Each call is timed over many repetitions after a warm-up, in this process.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/time-library.bench.ts [--quick]
 */
import { DateTime, Duration } from 'luxon';
import { addDuration, parseIsoDuration, parseIsoInstant, zonedLocalToUtc } from '../libs/definition/src/time';
import { printResult, round, runAlone, type BenchResult } from './support/bench-result';

/** Mean nanoseconds per call of `fn` over `n` calls, after a warm-up of its own. */
function nanosPerCall(n: number, fn: (i: number) => unknown): number {
  let sink: unknown;
  for (let i = 0; i < Math.min(n, 20_000); i++) sink = fn(i);
  const began = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink = fn(i);
  const elapsed = Number(process.hrtime.bigint() - began);
  if (sink === undefined) throw new Error('the measured call returned nothing');
  return elapsed / n;
}

export async function benchTimeLibrary(opts: { quick: boolean }): Promise<BenchResult> {
  const n = opts.quick ? 100_000 : 500_000;
  const instants = Array.from({ length: 1_000 }, (_, i) =>
    new Date(Date.UTC(2026, 0, 1) + i * 7 * 3_600_000 + i).toISOString(),
  );
  const locals = instants.map((text) => text.slice(0, 19));
  const month = parseIsoDuration('P1M')!;
  const luxonMonth = Duration.fromISO('P1M');
  const now = new Date(Date.UTC(2026, 0, 31, 9));
  const zone = 'Europe/Paris';
  const figures = {
    calls: n,
    oursParseInstantNs: nanosPerCall(n, (i) => parseIsoInstant(instants[i % 1_000])),
    luxonParseInstantNs: nanosPerCall(n, (i) => DateTime.fromISO(instants[i % 1_000], { zone: 'utc' }).toMillis()),
    oursZonedLocalNs: nanosPerCall(n, (i) => zonedLocalToUtc(locals[i % 1_000], zone)),
    luxonZonedLocalNs: nanosPerCall(n, (i) => DateTime.fromISO(locals[i % 1_000], { zone }).toMillis()),
    oursParseDurationNs: nanosPerCall(n, () => parseIsoDuration('P1DT2H')),
    luxonParseDurationNs: nanosPerCall(n, () => Duration.fromISO('P1DT2H')),
    oursAddMonthNs: nanosPerCall(n, () => addDuration(now, month, zone)),
    luxonAddMonthNs: nanosPerCall(n, () => DateTime.fromJSDate(now, { zone }).plus(luxonMonth).toMillis()),
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed package's version
  const luxonVersion = (require('luxon/package.json') as { version: string }).version;
  return {
    name: 'time library',
    figures: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v, k === 'calls' ? 0 : 1)])),
    notes:
      `Nanoseconds per call, mean of ${n} calls after a warm-up, ours (libs/definition/src/time.ts) against ` +
      `luxon ${luxonVersion}: an ISO instant parsed to epoch ms (intake parses every ` +
      `trigger's occurredAt and date-time attributes), a wall-clock time in ${zone} to an instant, ` +
      `a duration parsed, one calendar month added in ${zone}.`,
  };
}

if (require.main === module) runAlone('time-library', (o) => benchTimeLibrary(o));
void printResult;
