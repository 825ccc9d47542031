/**
 * The time module's own readers against luxon's, on the calls the hot path makes: an ISO instant
 * parsed (intake reads every trigger's `occurredAt` and date-time attributes; `before` / `after`
 * conditions), a duration parsed (`wait`, re-entry), and, for scale, the calls that are luxon's in
 * both columns: a wall-clock time in a zone to an instant (`wait` until, schedules) and a calendar
 * month added in a zone (recurring segments). Each call is timed over many repetitions after a warm-up.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/time-library.bench.ts [--quick]
 */
import { DateTime, Duration } from 'luxon';
import { version as LUXON_VERSION } from 'luxon/package.json';
import { addDuration, parseIsoDuration, parseIsoInstant, zonedLocalToUtc } from '../libs/definition/src/time';
import { round, runAlone, type BenchResult } from './support/bench-result';

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
  const start = new Date(Date.UTC(2026, 0, 31, 9));
  const zone = 'Europe/Paris';
  const figures: Record<string, number> = {
    calls: n,
    oursParseInstantNs: nanosPerCall(n, (i) => parseIsoInstant(instants[i % 1_000])),
    luxonParseInstantNs: nanosPerCall(n, (i) => DateTime.fromISO(instants[i % 1_000], { zone: 'utc' }).toMillis()),
    oursParseDurationNs: nanosPerCall(n, () => parseIsoDuration('P1DT2H')),
    luxonParseDurationNs: nanosPerCall(n, () => Duration.fromISO('P1DT2H')),
    zonedLocalToUtcNs: nanosPerCall(n, (i) => zonedLocalToUtc(locals[i % 1_000], zone)),
    addMonthInZoneNs: nanosPerCall(n, () => addDuration(start, month, zone)),
  };
  return {
    name: 'time library',
    figures: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v, k === 'calls' ? 0 : 1)])),
    notes:
      `Nanoseconds per call, mean of ${n} calls after a warm-up. ours*: the readers libs/definition/src/time.ts ` +
      `keeps (its ISO date-time scanner, its duration pattern); luxon* (${LUXON_VERSION}): ` +
      `luxon's fromISO for the same texts. zonedLocalToUtc and addMonthInZone run on luxon (zone ${zone}), ` +
      'measured for scale: schedules and waits call them once per step, not once per trigger.',
  };
}

if (require.main === module) runAlone('time-library', (o) => benchTimeLibrary(o));
