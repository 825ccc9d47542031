import type { SplitStep } from '@journeys/definition';
import { concludeExperiment, type BranchFigures, type ExperimentOutcome } from '../runtime/rules/experiment';
import { presentVersion, withVersion, type JourneyState, type JourneyVersion } from './journey.decider';
import type { ExperimentConcluded, ExperimentFiguresReported, JourneyEvent } from './journey.events';

/**
 * Experiments, the journey decider's part for them: every engine partition reports its figures of a
 * split step's A/B test once (its customers assigned, and converted, whose window has closed); the
 * last report sums them and concludes (rules/experiment.ts). The conclusion is a journey-stream
 * fact every partition reads: later customers go down the winner. Pure.
 */

/** Automatic: one of `partitions` engine partitions reports its figures of the experiment at `stepId`. */
export type ReportExperiment = {
  type: 'ReportExperiment';
  version: number;
  stepId: string;
  partition: number;
  partitions: number;
  branches: BranchFigures[];
};

/** An experiment of a version: the reports so far (by partition), and its conclusion. */
export interface ExperimentState {
  reports?: Record<string, BranchFigures[]>;
  conclusion?: { winner: number | null; result: ExperimentOutcome['result'] };
}

/** States whose experiments still conclude: customers inside, or their windows still open. */
const CONCLUDES_IN = new Set(['Live', 'Paused', 'Completing', 'Completed']);

export function decideExperiment(command: ReportExperiment, state: JourneyState): JourneyEvent[] {
  const target = presentVersion(state, command.version);
  const step = experimentStep(target, command.stepId);
  if (!step || !CONCLUDES_IN.has(target.state)) return [];
  const current = target.experiments?.[command.stepId];
  if (current?.conclusion) return [];
  const { journeyId, version } = target;
  const { stepId, partition, partitions, branches } = command;
  const figures = step.branches.map((_, i) => branches[i] ?? { assigned: 0, converted: 0 });
  if (partitions <= 1) return [concluded(target, step, figures)];
  if (current?.reports?.[String(partition)]) return [];
  const report: ExperimentFiguresReported = {
    type: 'ExperimentFiguresReported',
    data: { journeyId, version, stepId, partition, partitions, branches: figures },
  };
  const reports = { ...current?.reports, [String(partition)]: figures };
  if (Object.keys(reports).length < partitions) return [report];
  const summed = figures.map((_, i) => ({
    assigned: Object.values(reports).reduce((sum, r) => sum + (r[i]?.assigned ?? 0), 0),
    converted: Object.values(reports).reduce((sum, r) => sum + (r[i]?.converted ?? 0), 0),
  }));
  return [report, concluded(target, step, summed)];
}

function concluded(
  target: JourneyVersion & { journeyId: string },
  step: SplitStep,
  figures: readonly BranchFigures[],
): ExperimentConcluded {
  const experiment = step.experiment!;
  const outcome = concludeExperiment(experiment, figures);
  return {
    type: 'ExperimentConcluded',
    data: {
      journeyId: target.journeyId,
      version: target.version,
      stepId: step.id,
      metric: experiment.metric,
      ...outcome,
      branches: outcome.branches.map((b) => ({ ...b, next: step.branches[b.branch]?.next ?? null })),
    },
  };
}

/** The split step of a version that is an experiment, by id. */
export function experimentStep(version: JourneyVersion, stepId: string): SplitStep | undefined {
  const step = version.definition.steps.find((s) => s.id === stepId);
  return step?.type === 'split' && step.experiment ? step : undefined;
}

export function evolveExperiment(
  state: JourneyState,
  event: Extract<JourneyEvent, { type: 'ExperimentFiguresReported' | 'ExperimentConcluded' }>,
): JourneyState {
  const { version, stepId } = event.data;
  return withVersion(state, version, (v) => {
    const current = v.experiments?.[stepId] ?? {};
    const next: ExperimentState =
      event.type === 'ExperimentFiguresReported'
        ? { ...current, reports: { ...current.reports, [String(event.data.partition)]: event.data.branches } }
        : { ...current, conclusion: { winner: event.data.winner, result: event.data.result } };
    return { experiments: { ...v.experiments, [stepId]: next } };
  });
}
