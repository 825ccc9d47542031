import {
  addDuration,
  journeyTimeZone,
  parseIsoDuration,
  scaleDuration,
  type JourneyDefinition,
  type SplitStep,
} from '@journeys/definition';
import type { EngineJob, EngineStore } from '../engine-store/engine-store.port';
import type { SlotOwner } from '../rules/entry-limit';
import { BUCKET_MS, bucketOf, experimentDue, type BranchFigures } from '../rules/experiment';
import type { VersionInfo } from './journey-catalog';

/**
 * Each partition's share of an experiment (rules/experiment.ts, journey-experiment.decider.ts): a job
 * that, when the decision is due, reports the partition's figures to the journey, where the last
 * partition's report concludes it. With `decideAfter` every partition reports the customers assigned
 * at least the metric's window before the decision time (the same cut for all); with `sampleSize`
 * each reports once every branch has its share of customers whose window has closed, looking again
 * every hour. A report is made again a minute later until the journey shows it (a lost command
 * loses nothing).
 */

type ExperimentJob = Extract<EngineJob, { kind: 'experiment' }>;

/** How long after a report the job makes it again while the journey does not show it yet. */
const REPORT_RETRY_MS = 60_000;
/** The states in which an experiment still concludes (as the journey's decider says). */
const CONCLUDES_IN = new Set(['Live', 'Paused', 'Completing', 'Completed']);

export const experimentJobId = (journeyId: string, version: number, stepId: string): string =>
  `experiment:${journeyId}:${version}:${stepId}`;

/** The experiment jobs of a version that went live at `wentLiveAt` (ms): one per split step that is an experiment. */
export function experimentJobsFor(
  journeyId: string,
  version: number,
  definition: JourneyDefinition,
  wentLiveAt: number,
): EngineJob[] {
  const zone = journeyTimeZone(definition);
  const jobs: EngineJob[] = [];
  for (const step of definition.steps) {
    if (step.type !== 'split' || !step.experiment) continue;
    const within = parseIsoDuration(step.experiment.metric.within);
    const after = step.experiment.decideAfter === undefined ? null : parseIsoDuration(step.experiment.decideAfter);
    if (within === null) continue;
    const jobId = experimentJobId(journeyId, version, step.id);
    if (after) {
      const decideAt = addDuration(new Date(wentLiveAt), after, zone).getTime();
      jobs.push({ kind: 'experiment', jobId, journeyId, version, stepId: step.id, startAt: decideAt, decideAt });
    } else {
      // The first hour of assignments has had its whole window then.
      const startAt = addDuration(new Date(bucketOf(wentLiveAt) + BUCKET_MS), within, zone).getTime();
      jobs.push({ kind: 'experiment', jobId, journeyId, version, stepId: step.id, startAt });
    }
  }
  return jobs;
}

/** What a partition's experiment job does at `now` (ms): nothing more (`done`), or report, and when it runs again. */
export function experimentWork(
  store: EngineStore,
  info: VersionInfo | undefined,
  job: ExperimentJob,
  owner: SlotOwner,
  now: number,
): { done: true } | { done: false; report?: BranchFigures[]; next: number } {
  if (!info || !CONCLUDES_IN.has(info.state)) return { done: true };
  const reported = info.experiments?.[job.stepId];
  if (reported?.conclusion || reported?.reports?.[String(owner.partition)]) return { done: true };
  const step = info.definition.steps.find((s): s is SplitStep => s.id === job.stepId && s.type === 'split');
  const within = step?.experiment ? parseIsoDuration(step.experiment.metric.within) : null;
  if (!step?.experiment || within === null) return { done: true };
  // Customers assigned in whole hours ending by the cut have had their whole window.
  const decidedAt = job.decideAt ?? now;
  const cut = addDuration(new Date(decidedAt), scaleDuration(within, -1), journeyTimeZone(info.definition)).getTime();
  const byBranch = store.experimentFigures(job.journeyId, job.version, job.stepId, bucketOf(cut) - BUCKET_MS);
  const figures = step.branches.map((_, i) => byBranch.get(i) ?? { assigned: 0, converted: 0 });
  const plan =
    job.decideAt !== undefined
      ? { decideAt: job.decideAt }
      : { share: Math.ceil((step.experiment.sampleSize ?? 1) / owner.partitions) };
  const due = experimentDue(figures, now, plan);
  if (due.report) return { done: false, report: figures, next: now + REPORT_RETRY_MS };
  return { done: false, next: Math.max(due.at, now + 1) };
}
