import type { JourneyVersion } from '../journeys/journey.decider';
import { emptyAnalytics, sendsOf, type VersionAnalytics } from './projections/analytics.projection';

/** The totals of one version as the analytics endpoints show them (steps left out). */
export type VersionTotals = Omit<
  VersionAnalytics,
  'journeyId' | 'goalReached' | 'steps' | 'sends' | 'held' | 'delayed' | 'experiments'
> & {
  sends: Required<VersionAnalytics>['sends'];
  held: Record<string, number>;
  delayed: Record<string, number>;
  state: JourneyVersion['state'];
  /** `target` is the goal's count, or its percentage of `entered` rounded up; 0 without a goal. */
  goal: { reached: number; target: number };
};

/** Versions that can have customers: drafts and versions being published never do. */
export const countedVersions = (versions: readonly JourneyVersion[]) =>
  versions.filter((v) => v.state !== 'Draft' && v.state !== 'Publishing');

/** A version's totals from its counters (absent until someone enters). */
export function versionTotals(version: JourneyVersion, counted: VersionAnalytics | undefined): VersionTotals {
  const a = counted ?? emptyAnalytics('', version.version);
  const goal = version.definition.goal?.target;
  const target = !goal ? 0 : 'count' in goal ? goal.count : Math.ceil((a.entered * goal.percent) / 100);
  return {
    version: version.version,
    state: version.state,
    entered: a.entered,
    active: a.active,
    completed: a.completed,
    exited: a.exited,
    removed: a.removed,
    exitedBy: a.exitedBy,
    blocked: a.blocked,
    sends: sendsOf(a),
    held: a.held ?? {},
    delayed: a.delayed ?? {},
    goal: { reached: a.goalReached, target },
  };
}

/** A version's totals plus its counters per step, in the definition's step order. */
export function versionAnalytics(version: JourneyVersion, counted: VersionAnalytics | undefined) {
  const { goal, ...totals } = versionTotals(version, counted);
  return {
    ...totals,
    steps: version.definition.steps.map((s) => ({
      stepId: s.id,
      ...(counted?.steps[s.id] ?? { entered: 0, current: 0, passed: 0, exited: 0 }),
    })),
    experiments: version.definition.steps.flatMap((s) =>
      s.type === 'split' && s.experiment
        ? [
            {
              stepId: s.id,
              concluded: version.experiments?.[s.id]?.conclusion ?? null,
              branches: s.branches.map((_, branch) => ({
                branch,
                ...(counted?.experiments?.[s.id]?.[String(branch)] ?? {
                  experiment: 0,
                  converted: 0,
                  winner: 0,
                  sticky: 0,
                }),
              })),
            },
          ]
        : [],
    ),
    goal,
  };
}
