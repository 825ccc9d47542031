/**
 * One scenario in a process of its own, so that its memory figures and its garbage are its own.
 * `run.ts` forks this file with the scenario and its options as JSON, and gets the results back over
 * the IPC channel: `{ results }`, `{ notRun }` or `{ failed }`.
 */
import { existsSync } from 'node:fs';
import { storageFiles } from '../apps/journeys/src/infrastructure/storage.module';
import { benchConsoleGraph } from './console-graph.bench';
import { benchAppends } from './event-store-append.bench';
import { benchEventStoreDb } from './eventstoredb.bench';
import { benchKafkaRaw } from './kafka-raw.bench';
import { benchKafkaTriggers } from './kafka-triggers.bench';
import { benchPhysicalLimit } from './physical-limit.bench';
import { benchProjectionRebuild } from './projection-rebuild.bench';
import { benchSegmentEnrolment } from './segment-enrolment.bench';
import { BenchApp, ManualClock } from './support/bench-app';
import { printResult, type BenchResult } from './support/bench-result';
import { CHROMIUM } from './support/chromium';
import { benchTimeLibrary } from './time-library.bench';
import { benchTimers } from './timers.bench';
import { benchPartitionHandoff } from './partition-handoff.bench';
import { benchScaleOutTriggers } from './scale-out-triggers.bench';
import { benchTriggerIngestion } from './trigger-ingestion.bench';
import { benchTriggerLatency } from './trigger-latency.bench';

export interface ScenarioOptions {
  quick: boolean;
  /** Scratch directory for this run. */
  dir: string;
  /** Path prefix of the .cpuprofile files (`<prefix>-<scenario>.cpuprofile`); unset: no profiling. */
  profilePrefix?: string;
  /** The data directory that segment-and-timers fills and the later scenarios read. */
  filledDataDir: string;
  brokers?: string[];
  /** `--eventstoredb`: also run the EventStoreDB protocol-path scenario. */
  eventstoredb?: boolean;
}

export type ScenarioOutcome = { results: BenchResult[] } | { notRun: string } | { failed: string };

/** The store segment-and-timers filled, or undefined when it did not run (e.g. left out by --only). */
const filledStore = (o: ScenarioOptions) => {
  const file = storageFiles(o.filledDataDir).eventStore;
  return existsSync(file) ? file : undefined;
};

const profile = (o: ScenarioOptions, name: string) => (o.profilePrefix ? `${o.profilePrefix}-${name}` : undefined);

/** Every scenario, in the order `run.ts` runs them. */
export const SCENARIOS = {
  'event-store': async (o: ScenarioOptions): Promise<ScenarioOutcome> => ({
    results: [await benchAppends({ quick: o.quick, dir: o.dir })],
  }),
  'trigger-ingestion': async (o: ScenarioOptions): Promise<ScenarioOutcome> => ({
    results: [await benchTriggerIngestion({ ...o, profile: profile(o, 'trigger-ingestion') })],
  }),
  'trigger-ingestion-delivery': async (o: ScenarioOptions): Promise<ScenarioOutcome> => ({
    results: [await benchTriggerIngestion({ ...o, delivery: true, profile: profile(o, 'trigger-ingestion-delivery') })],
  }),
  /** Scale-out: one process owning every engine partition, against the figure above (one partition). */
  'trigger-ingestion-partitions': async (o: ScenarioOptions): Promise<ScenarioOutcome> => ({
    results: [
      await benchTriggerIngestion({ ...o, partitions: 12, profile: profile(o, 'trigger-ingestion-partitions') }),
    ],
  }),
  'partition-handoff': async (o: ScenarioOptions): Promise<ScenarioOutcome> => ({
    results: [await benchPartitionHandoff(o)],
  }),
  'trigger-latency': async (o: ScenarioOptions): Promise<ScenarioOutcome> => ({
    results: [await benchTriggerLatency({ ...o, profile: profile(o, 'trigger-latency') })],
  }),
  /** Scenarios 3 and 4 share one service: the enrolled members are the waiting customers. */
  'segment-and-timers': async (o: ScenarioOptions): Promise<ScenarioOutcome> => {
    const bench = await BenchApp.start(o.filledDataDir, new ManualClock());
    try {
      const timersOptions = { ...o, bench, profile: profile(o, 'timers') };
      const enrolment = await benchSegmentEnrolment({ ...o, bench, profile: profile(o, 'segment-enrolment') });
      return { results: [enrolment, await benchTimers(timersOptions)] };
    } finally {
      await bench.close();
    }
  },
  'projection-rebuild': async (o: ScenarioOptions): Promise<ScenarioOutcome> => ({
    results: [
      await benchProjectionRebuild({
        ...o,
        // Without the filled store the scenario fills a data directory of its own.
        dataDir: filledStore(o) ? o.filledDataDir : undefined,
        profile: profile(o, 'projection-rebuild'),
      }),
    ],
  }),
  'physical-limit': async (o: ScenarioOptions): Promise<ScenarioOutcome> => ({
    results: [await benchPhysicalLimit({ ...o, source: filledStore(o) })],
  }),
  'time-library': async (o: ScenarioOptions): Promise<ScenarioOutcome> => ({
    results: [await benchTimeLibrary({ quick: o.quick })],
  }),
  'kafka-raw': async (o: ScenarioOptions): Promise<ScenarioOutcome> => {
    if (!o.brokers?.length) return { notRun: 'needs --kafka and KAFKA_BROKERS' };
    return { results: [await benchKafkaRaw({ quick: o.quick, brokers: o.brokers })] };
  },
  'kafka-triggers': async (o: ScenarioOptions): Promise<ScenarioOutcome> => {
    if (!o.brokers?.length) return { notRun: 'needs --kafka and KAFKA_BROKERS' };
    const run = { ...o, brokers: o.brokers, profile: profile(o, 'kafka-triggers') };
    return { results: [await benchKafkaTriggers(run)] };
  },
  eventstoredb: async (o: ScenarioOptions): Promise<ScenarioOutcome> => {
    if (!o.eventstoredb) return { notRun: 'needs --eventstoredb' };
    return { results: await benchEventStoreDb({ ...o, profile: profile(o, 'eventstoredb') }) };
  },
  'scale-out-triggers': async (o: ScenarioOptions): Promise<ScenarioOutcome> => {
    if (!o.brokers?.length) return { notRun: 'needs --kafka and KAFKA_BROKERS' };
    return { results: [await benchScaleOutTriggers({ ...o, brokers: o.brokers })] };
  },
  'console-graph': async (o: ScenarioOptions): Promise<ScenarioOutcome> => {
    if (!existsSync(CHROMIUM)) return { notRun: `needs ${CHROMIUM} (apt-get install chromium)` };
    return { results: [await benchConsoleGraph(o)] };
  },
} as const;

export type ScenarioId = keyof typeof SCENARIOS;

if (require.main === module) {
  const [id, json] = process.argv.slice(2) as [ScenarioId, string];
  const options = JSON.parse(json) as ScenarioOptions;
  SCENARIOS[id](options)
    .catch((error: unknown): ScenarioOutcome => {
      console.error(error);
      return { failed: error instanceof Error ? error.message : String(error) };
    })
    .then((outcome) => {
      if ('results' in outcome) outcome.results.forEach(printResult);
      process.send?.(outcome, () => process.exit(0));
    });
}
