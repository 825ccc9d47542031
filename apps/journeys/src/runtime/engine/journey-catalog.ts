import { journeyTimeZone, zonedLocalToUtc, type JourneyDefinition } from '@journeys/definition';
import { evolve, initialState, type JourneyState, type VersionState } from '../../journeys/journey.decider';
import type { ExperimentState } from '../../journeys/journey-experiment.decider';
import type { JourneyEvent } from '../../journeys/journey.events';
import { versionKey } from '../rules/routing';

/** A published version as the engine sees it. */
export interface VersionInfo {
  journeyId: string;
  version: number;
  state: VersionState;
  definition: JourneyDefinition;
  /** Schedule bounds in ms (the schedule's local times resolved in its time zone). */
  startAt?: number;
  endAt?: number;
  /** While Paused: when the pause ends by itself (ms), and how. */
  pause?: { endsAt: number; whenExceeded: 'resume' | 'stop' };
  /** The experiments of its split steps that partitions reported on or that concluded, by step id. */
  experiments?: Readonly<Record<string, ExperimentState>>;
  /** The concluded experiments by step id, and their winner (the instance decider's view). */
  conclusions?: ReadonlyMap<string, { winner: number | null }>;
}

function bound(local: string | undefined, definition: JourneyDefinition): number | undefined {
  if (!local) return undefined;
  return zonedLocalToUtc(local, journeyTimeZone(definition))?.getTime();
}

/**
 * The engine's view of every journey, evolved with the life-cycle decider from the same event stream
 * the engine consumes, so it is never behind the triggers it processes. Indexes answer "which
 * versions care about this trigger / segment" without scanning.
 */
export class JourneyCatalog {
  private readonly journeys = new Map<string, JourneyState>();
  private indexes: ReturnType<JourneyCatalog['index']> | undefined;

  constructor(states: readonly JourneyState[] = []) {
    for (const s of states) if (s.status === 'present') this.journeys.set(s.journeyId, s);
  }

  /** Applies a life-cycle event; returns the journey's new state. */
  apply(event: JourneyEvent): Extract<JourneyState, { status: 'present' }> | undefined {
    const id = event.data.journeyId;
    const next = evolve(this.journeys.get(id) ?? initialState(), event);
    if (next.status !== 'present') return undefined;
    this.journeys.set(id, next);
    this.indexes = undefined;
    return next;
  }

  version(journeyId: string, version: number): VersionInfo | undefined {
    return this.built().versions.get(versionKey(journeyId, version));
  }

  /** Live (and Paused: the entry is refused) trigger-based versions entered by this trigger. */
  enteredBy(trigger: string): readonly VersionInfo[] {
    return this.built().byEntryTrigger.get(trigger) ?? [];
  }
  /** Versions (any state with customers inside) that customers leave on this trigger. */
  exitedBy(trigger: string): readonly VersionInfo[] {
    return this.built().byExitTrigger.get(trigger) ?? [];
  }
  goalOf(trigger: string): readonly VersionInfo[] {
    return this.built().byGoalTrigger.get(trigger) ?? [];
  }
  /** Versions with an experiment whose metric is this trigger (customers convert, whatever their status). */
  experimentsOn(trigger: string): readonly VersionInfo[] {
    return this.built().byExperimentTrigger.get(trigger) ?? [];
  }
  /** Keys (`journeyId#version`) of the versions whose exit triggers or goal name this trigger. */
  versionsNaming(trigger: string): ReadonlySet<string> {
    const built = this.built();
    let keys = built.naming.get(trigger);
    if (keys === undefined) {
      keys = new Set(
        [...this.exitedBy(trigger), ...this.goalOf(trigger), ...this.experimentsOn(trigger)].map((info) =>
          versionKey(info.journeyId, info.version),
        ),
      );
      built.naming.set(trigger, keys);
    }
    return keys;
  }
  exitedBySegment(segmentId: string): readonly VersionInfo[] {
    return this.built().byExitSegment.get(segmentId) ?? [];
  }
  /** Live (and Paused) dynamic segment-based versions that later joiners of this segment enter. */
  dynamicFor(segmentId: string): readonly VersionInfo[] {
    return this.built().byDynamicSegment.get(segmentId) ?? [];
  }
  liveVersions(): readonly VersionInfo[] {
    return this.built().live;
  }
  /** Paused versions: their pauses end by themselves at `pause.endsAt`. */
  pausedVersions(): readonly VersionInfo[] {
    return [...this.built().versions.values()].filter((v) => v.state === 'Paused');
  }
  /** Versions waiting for the engine to move them on (Stopping, Completing). */
  settlingVersions(): readonly VersionInfo[] {
    return [...this.built().versions.values()].filter((v) => v.state === 'Stopping' || v.state === 'Completing');
  }

  private built() {
    this.indexes ??= this.index();
    return this.indexes;
  }

  private index() {
    const versions = new Map<string, VersionInfo>();
    const byEntryTrigger = new Map<string, VersionInfo[]>();
    const byExitTrigger = new Map<string, VersionInfo[]>();
    const byGoalTrigger = new Map<string, VersionInfo[]>();
    const byExitSegment = new Map<string, VersionInfo[]>();
    const byDynamicSegment = new Map<string, VersionInfo[]>();
    const byExperimentTrigger = new Map<string, VersionInfo[]>();
    const live: VersionInfo[] = [];
    const add = (map: Map<string, VersionInfo[]>, key: string, info: VersionInfo) => {
      const list = map.get(key);
      if (list) list.push(info);
      else map.set(key, [info]);
    };
    for (const journey of this.journeys.values()) {
      if (journey.status !== 'present') continue;
      for (const v of journey.versions) {
        if (v.state === 'Draft' || v.state === 'Publishing') continue;
        const d = v.definition;
        const info: VersionInfo = {
          journeyId: journey.journeyId,
          version: v.version,
          state: v.state,
          definition: d,
          startAt: bound(d.schedule?.start, d),
          endAt: bound(d.schedule?.end, d),
        };
        if (v.state === 'Paused' && v.pause) {
          info.pause = { endsAt: Date.parse(v.pause.endsAt), whenExceeded: v.pause.whenExceeded };
        }
        if (v.experiments) {
          info.experiments = v.experiments;
          info.conclusions = new Map(
            Object.entries(v.experiments).flatMap(([stepId, e]) =>
              e.conclusion ? [[stepId, { winner: e.conclusion.winner }] as const] : [],
            ),
          );
        }
        versions.set(versionKey(info.journeyId, info.version), info);
        const inside = v.state === 'Live' || v.state === 'Paused' || v.state === 'Completing';
        if (v.state === 'Live') live.push(info);
        if (v.state === 'Live' || v.state === 'Paused') {
          if (d.audience.type === 'trigger') add(byEntryTrigger, d.audience.trigger, info);
          else if (d.audience.frequency?.mode === 'dynamic')
            for (const s of d.audience.segments) add(byDynamicSegment, s, info);
        }
        if (inside) {
          for (const t of d.exit?.triggers ?? []) add(byExitTrigger, t, info);
          for (const s of d.exit?.segments ?? []) add(byExitSegment, s, info);
        }
        if (v.state !== 'Stopping' && v.state !== 'Stopped' && d.goal) add(byGoalTrigger, d.goal.trigger, info);
        if (v.state !== 'Stopping' && v.state !== 'Stopped') {
          for (const step of d.steps) {
            const metric = step.type === 'split' ? step.experiment?.metric : undefined;
            if (metric?.type === 'trigger') add(byExperimentTrigger, metric.trigger, info);
          }
        }
      }
    }
    const naming = new Map<string, Set<string>>();
    return {
      versions,
      byEntryTrigger,
      byExitTrigger,
      byGoalTrigger,
      byExitSegment,
      byDynamicSegment,
      byExperimentTrigger,
      live,
      naming,
    };
  }
}
