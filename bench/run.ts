/**
 * `npm run bench [-- --quick] [-- --kafka] [-- --eventstoredb] [-- --no-profile] [-- --only=id,id]`: runs the benchmark
 * scenarios, each in a child process of its own, prints their figures with the machine they ran on,
 * and writes `bench/results/<timestamp>.json` and `.md` plus `latest.*` (`latest-quick.*` with
 * --quick). The measured phases are CPU-profiled unless --no-profile; the .cpuprofile files are
 * kept as `bench/results/<timestamp>-<scenario>.cpuprofile` (out of git, like the timestamped reports).
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { describeMachine, machine, type BenchResult, type Machine } from './support/bench-result';
import { segmentMembers } from './segment-enrolment.bench';
import { SCENARIOS, type ScenarioId, type ScenarioOptions, type ScenarioOutcome } from './scenario-process';

interface Run {
  at: string;
  quick: boolean;
  profiled: boolean;
  machine: Machine;
  outcomes: { id: ScenarioId; outcome: ScenarioOutcome; seconds: number; loadAverageAfter: number }[];
}

/** Longest one scenario process may run before it is killed and reported as failed. */
const SCENARIO_TIMEOUT_MS = { quick: 5 * 60_000, full: 45 * 60_000 };

function runScenario(id: ScenarioId, options: ScenarioOptions, timeoutMs: number): Promise<ScenarioOutcome> {
  const child = fork(join(__dirname, `scenario-process${extname(__filename)}`), [id, JSON.stringify(options)], {
    execArgv: [...process.execArgv, '--expose-gc', '--enable-source-maps'],
  });
  return new Promise((resolve) => {
    let outcome: ScenarioOutcome | undefined;
    const timer = setTimeout(() => {
      outcome ??= { failed: `killed after ${timeoutMs / 60_000} minutes` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message) => (outcome ??= message as ScenarioOutcome));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(outcome ?? { failed: `exited with ${signal ?? code} before reporting` });
    });
  });
}

function results(run: Run): BenchResult[] {
  return run.outcomes.flatMap(({ outcome }) => ('results' in outcome ? outcome.results : []));
}

function figure(run: Run, scenario: string, name: string): number | undefined {
  return results(run).find((r) => r.name === scenario)?.figures[name];
}

interface SummaryRow {
  figure: string;
  measured: string;
  target: string;
  met: string;
  ratio: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** CPU time per item, as reported by the scenario. */
function cpu(run: Run, scenario: string, name: string): string {
  const micros = figure(run, scenario, name);
  return micros === undefined ? 'CPU n/a' : `${micros} µs CPU`;
}

/** The issue's targets against what this run measured. */
function summary(run: Run): SummaryRow[] {
  const physical = figure(run, 'physical limit', 'insertEventsPerSec');
  const ratio = (eventsPerSec: number | undefined) =>
    eventsPerSec === undefined || physical === undefined ? 'n/a' : (eventsPerSec / physical).toFixed(2);
  const met = (ok: boolean | undefined, note = '') => (ok === undefined ? 'not run' : `${ok ? 'yes' : 'no'}${note}`);
  const rows: SummaryRow[] = [];

  const triggers = figure(run, 'trigger ingestion', 'triggersPerSec');
  const triggerEvents = figure(run, 'trigger ingestion', 'storedEventsPerSec');
  rows.push({
    figure: `1. Trigger ingestion (N = ${fmt(figure(run, 'trigger ingestion', 'triggers') ?? 0)})`,
    measured:
      triggers === undefined
        ? 'not run'
        : `${fmt(triggers)} triggers/s (${fmt(triggerEvents ?? 0)} events/s; ${cpu(run, 'trigger ingestion', 'cpuMicrosPerTrigger')} each)`,
    target: '≥ 20,000 triggers/s',
    met: met(triggers === undefined ? undefined : triggers >= 20_000),
    ratio: ratio(triggerEvents),
  });

  const esdb = 'trigger ingestion (EventStoreDB protocol path)';
  const esdbTriggers = figure(run, esdb, 'triggersPerSec');
  rows.push({
    figure: `1c. Trigger ingestion, EventStoreDB protocol path (N = ${fmt(figure(run, esdb, 'triggers') ?? 0)}; adapter + test server, not a real server)`,
    measured:
      esdbTriggers === undefined
        ? `not run (${notRunReason(run, 'eventstoredb')})`
        : `${fmt(esdbTriggers)} triggers/s (${fmt(figure(run, esdb, 'storedEventsPerSec') ?? 0)} events/s; ${cpu(run, esdb, 'cpuMicrosPerTrigger')} each in the service)`,
    target: '—',
    met: '—',
    ratio: 'n/a',
  });

  const withControls = figure(run, 'trigger ingestion, consent and cap', 'triggersPerSec');
  rows.push({
    figure: '1b. Trigger ingestion with consent and a frequency cap active',
    measured:
      withControls === undefined
        ? 'not run'
        : `${fmt(withControls)} triggers/s (${cpu(run, 'trigger ingestion, consent and cap', 'cpuMicrosPerTrigger')} each)`,
    target: 'beside 1.',
    met: '—',
    ratio:
      withControls !== undefined && triggers !== undefined ? `${(withControls / triggers).toFixed(2)} of 1.` : 'n/a',
  });

  const p99 = figure(run, 'trigger latency', 'p99Ms');
  const rate = figure(run, 'trigger latency', 'offeredPerSec');
  rows.push({
    figure: `2. Latency, trigger to ActionRequested stored, at ${fmt(rate ?? 2000)}/s for ${figure(run, 'trigger latency', 'heldSeconds') ?? '?'} s`,
    measured:
      p99 === undefined
        ? 'not run'
        : `p99 ${p99} ms (p50 ${figure(run, 'trigger latency', 'p50Ms')}, max ${figure(run, 'trigger latency', 'maxMs')})`,
    target: 'p99 < 50 ms',
    met: met(p99 === undefined ? undefined : p99 < 50),
    ratio: 'n/a',
  });

  const members = figure(run, 'segment enrolment', 'members');
  const enrolSeconds = figure(run, 'segment enrolment', 'secondsUntilAllEntered');
  const enrolled = figure(run, 'segment enrolment', 'enrolledPerSec');
  const full = members === 1_000_000;
  rows.push({
    figure: `3. Segment enrolment (${fmt(members ?? segmentMembers(run.quick))} members)`,
    measured:
      enrolSeconds === undefined
        ? 'not run'
        : `${enrolSeconds} s (${fmt(enrolled ?? 0)} members/s; ${cpu(run, 'segment enrolment', 'cpuMicrosPerMember')} each)`,
    target: '1,000,000 in < 60 s',
    met: met(
      enrolled === undefined ? undefined : full ? enrolSeconds! < 60 : enrolled >= 1_000_000 / 60,
      full ? '' : ' (by rate, quick size)',
    ),
    ratio: ratio(figure(run, 'segment enrolment', 'storedEventsPerSec')),
  });

  const waiting = figure(run, 'timers', 'waiting');
  const fired = figure(run, 'timers', 'timersFiredPerSec');
  rows.push({
    figure: `4. Timers fired (${fmt(waiting ?? 0)} waiting)`,
    measured:
      fired === undefined ? 'not run' : `${fmt(fired)} timers/s (${cpu(run, 'timers', 'cpuMicrosPerTimer')} each)`,
    target: '—',
    met: '—',
    ratio: ratio(figure(run, 'timers', 'storedEventsPerSec')),
  });
  const peak = figure(run, 'timers', 'peakRssWaitingMiB');
  rows.push({
    figure: `4. Peak RSS while ${fmt(waiting ?? 0)} customers entered and waited`,
    measured:
      peak === undefined
        ? 'not run'
        : `${fmt(peak)} MiB (${fmt(figure(run, 'timers', 'rssAllWaitingMiB') ?? 0)} MiB at rest, ${fmt(figure(run, 'timers', 'rssAfterGcMiB') ?? NaN)} MiB after a full GC)`,
    target: '1,000,000 in < 1 GiB',
    met: met(peak === undefined ? undefined : peak < 1024, waiting === 1_000_000 ? '' : ' (quick size)'),
    ratio: 'n/a',
  });

  const rebuild = figure(run, 'projection rebuild', 'eventsPerSec');
  rows.push({
    figure: `5. Projection rebuild (${fmt(figure(run, 'projection rebuild', 'events') ?? 0)} events)`,
    measured:
      rebuild === undefined
        ? 'not run'
        : `${fmt(rebuild)} events/s (${cpu(run, 'projection rebuild', 'cpuMicrosPerEvent')} each)`,
    target: '> 100,000 events/s',
    met: met(rebuild === undefined ? undefined : rebuild > 100_000),
    ratio: ratio(rebuild),
  });

  const pod = 'new pod and rebuild (EventStoreDB protocol path)';
  const podRate = figure(run, pod, 'rebuildEventsPerSec');
  rows.push({
    figure: `5b. Read models from EventStoreDB, protocol path (${fmt(figure(run, pod, 'events') ?? 0)} events)`,
    measured:
      podRate === undefined
        ? `not run (${notRunReason(run, 'eventstoredb')})`
        : `${fmt(podRate)} events/s, ${figure(run, pod, 'rebuildSecondsPerMillionEvents')} s per million; a new pod caught up in ${figure(run, pod, 'secondsUntilEngineCaughtUp')} s`,
    target: '—',
    met: '—',
    ratio: 'n/a',
  });

  rows.push({
    figure: `6. Physical limit: raw batched inserts (${fmt(figure(run, 'physical limit', 'events') ?? 0)} rows)`,
    measured: physical === undefined ? 'not run' : `${fmt(physical)} events/s`,
    target: '—',
    met: '—',
    ratio: physical === undefined ? 'n/a' : '1.00',
  });

  const kafka = figure(run, 'kafka triggers', 'triggersPerSec');
  const kafkaRaw = figure(run, 'kafka-raw', 'endToEndMsgsPerSec');
  rows.push({
    figure: '7. Kafka: journeys.triggers to journeys.actions',
    measured: kafka === undefined ? `not run (${notRunReason(run, 'kafka-triggers')})` : `${fmt(kafka)} triggers/s`,
    target: '≥ 10,000 triggers/s',
    met: met(kafka === undefined ? undefined : kafka >= 10_000),
    ratio: kafka !== undefined && kafkaRaw !== undefined ? `${(kafka / kafkaRaw).toFixed(2)} of raw kafkajs` : 'n/a',
  });

  const shown = figure(run, 'console graph', 'coldLoadMedianMs');
  rows.push({
    figure: `8. Console: ${figure(run, 'console graph', 'steps') ?? 20}-step journey, ${fmt(figure(run, 'console graph', 'customers') ?? 0)} customers, graph and counts shown`,
    measured:
      shown === undefined
        ? `not run (${notRunReason(run, 'console-graph')})`
        : `${fmt(shown)} ms page load (max ${fmt(figure(run, 'console graph', 'coldLoadMaxMs') ?? 0)}; ${fmt(figure(run, 'console graph', 'inPageNavigationMs') ?? 0)} ms from the list)`,
    target: '< 1,000 ms',
    met: met(shown === undefined ? undefined : shown < 1_000),
    ratio: 'n/a',
  });
  return rows;
}

/** What the physical limit allows at the number of events the service stores per trigger. */
function ceiling(run: Run): string[] {
  const physical = figure(run, 'physical limit', 'insertEventsPerSec');
  const perTrigger = figure(run, 'trigger ingestion', 'eventsPerTrigger');
  if (physical === undefined || !perTrigger) return [];
  return [
    `At ${perTrigger} stored events per trigger (the trigger, then the engine's events up to the wait), raw inserts ` +
      `alone would cap ingestion at ${fmt(physical / perTrigger)} triggers/s on this machine.`,
    '',
  ];
}

function notRunReason(run: Run, id: ScenarioId): string {
  const outcome = run.outcomes.find((o) => o.id === id)?.outcome;
  if (!outcome) return 'not selected';
  if ('notRun' in outcome) return outcome.notRun;
  if ('failed' in outcome) return `failed: ${outcome.failed}`;
  return 'ran';
}

/** A figure as the report prints it; NaN arrives as null over the IPC channel (JSON). */
function value(v: number | null): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'n/a';
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function markdown(run: Run): string {
  const lines = [
    `# Benchmark report ${run.at}${run.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${describeMachine(run.machine)} at the start. Embedded store (SQLite, WAL, synchronous=FULL), the ` +
      'whole service in one process driven through Fastify inject, each scenario in a process of its own. The ' +
      'machine is shared: the load average at the end of each scenario is noted under it.',
    '',
    '| figure | measured | target | met | ratio to physical limit |',
    '|---|---|---|---|---|',
    ...summary(run).map((r) => `| ${r.figure} | ${r.measured} | ${r.target} | ${r.met} | ${r.ratio} |`),
    '',
    'Ratio to physical limit: the events the scenario stored (or, for the rebuild, replayed) per second divided ' +
      'by the raw batched inserts per second of the same rows into a bare SQLite file (scenario 6); for Kafka, ' +
      'triggers/s divided by the raw kafkajs produce+consume rate on the same broker.',
    '',
    ...ceiling(run),
  ];
  for (const { id, outcome, seconds, loadAverageAfter } of run.outcomes) {
    if (!('results' in outcome)) {
      lines.push(`## ${id}`, '', 'notRun' in outcome ? `Not run: ${outcome.notRun}.` : `Failed: ${outcome.failed}`, '');
      continue;
    }
    for (const r of outcome.results) {
      lines.push(`## ${r.name}`, '', '| figure | value |', '|---|---|');
      for (const [k, v] of Object.entries(r.figures)) lines.push(`| ${k} | ${value(v)} |`);
      lines.push('', r.notes, '');
      for (const spots of r.hotSpots ?? []) {
        lines.push(`Where the time goes (${spots.phase}, ${spots.idlePercent}% idle):`, '');
        lines.push(`- by area: ${spots.areas.join('; ')}`);
        lines.push(`- self: ${spots.self.join('; ')}`);
        lines.push(`- service code with callees: ${spots.inclusive.join('; ')}`, '');
      }
    }
    lines.push(
      `_(${id}: ${seconds.toFixed(0)} s including start-up; load average ${loadAverageAfter} at the end)_`,
      '',
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const profiled = !args.includes('--no-profile');
  const only = args
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const brokers = args.includes('--kafka') ? process.env.KAFKA_BROKERS?.split(',').filter(Boolean) : undefined;
  if (args.includes('--kafka') && !brokers?.length) {
    throw new Error('--kafka needs KAFKA_BROKERS (start one: export "$(bash deploy/local/kafka.sh start)")');
  }
  const eventstoredb = args.includes('--eventstoredb');
  const at = new Date().toISOString();
  const stamp = at.replace(/[:.]/g, '-');
  const out = join(process.cwd(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const run: Run = { at, quick, profiled, machine: machine(), outcomes: [] };
  console.log(`Machine: ${describeMachine(run.machine)}${quick ? ' (quick)' : ''}`);

  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-'));
  const profilePrefix = profiled ? join(out, stamp) : undefined;
  const options: ScenarioOptions = {
    quick,
    dir,
    profilePrefix,
    filledDataDir: join(dir, 'filled'),
    brokers,
    eventstoredb,
  };
  try {
    for (const id of Object.keys(SCENARIOS) as ScenarioId[]) {
      if (only && !only.includes(id)) continue;
      console.log(`\n== ${id}`);
      const began = performance.now();
      const outcome = await runScenario(id, options, quick ? SCENARIO_TIMEOUT_MS.quick : SCENARIO_TIMEOUT_MS.full);
      const seconds = (performance.now() - began) / 1000;
      run.outcomes.push({ id, outcome, seconds, loadAverageAfter: Number(loadavg()[0].toFixed(2)) });
      if (!('results' in outcome))
        console.log('notRun' in outcome ? `not run: ${outcome.notRun}` : `FAILED: ${outcome.failed}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log('\nSummary');
  console.table(summary(run));
  const json = JSON.stringify(run, null, 2);
  const md = markdown(run);
  // A partial run (--only) keeps its timestamped report but leaves the latest complete one in place.
  for (const name of only ? [stamp] : [stamp, quick ? 'latest-quick' : 'latest']) {
    writeFileSync(join(out, `${name}.json`), json);
    writeFileSync(join(out, `${name}.md`), md);
  }
  console.log(
    `\nReports: bench/results/${stamp}.{json,md}${only ? '' : ` and bench/results/${quick ? 'latest-quick' : 'latest'}.*`}`,
  );
  if (run.outcomes.some(({ outcome }) => 'failed' in outcome)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
