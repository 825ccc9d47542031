import { versionKey } from '../rules/routing';
import type { CustomerEntryBlocked, CustomerEntryDelayed, InstanceEvent } from '../instance.events';

export interface StepCounters {
  entered: number;
  current: number;
  passed: number;
  exited: number;
}

/** Counters of one journey version; at steady state a step's entered = current + passed + exited. */
export interface VersionAnalytics {
  journeyId: string;
  version: number;
  entered: number;
  active: number;
  completed: number;
  exited: number;
  removed: number;
  exitedBy: Record<string, number>;
  blocked: Record<string, number>;
  /** Customers held before a step by a delivery control, by reason (`paused`); absent in counters of older releases. */
  held?: Record<string, number>;
  /** Entries that waited for their slot, by reason (`rateLimited`); absent in counters of older releases. */
  delayed?: Record<string, number>;
  /** Per split step that is an experiment, per branch: how customers were assigned, and conversions. */
  experiments?: Record<string, Record<string, ExperimentCounters>>;
  goalReached: number;
  steps: Record<string, StepCounters>;
  /** What the delivery controls did to the version's sends (absent in documents written before them). */
  sends?: SendCounters;
}

/** Sends handed to the output, held by quiet hours, and stopped by a delivery control, by reason. */
export interface SendCounters {
  requested: number;
  held: number;
  /** NoConsent, FrequencyCapped, QuietHours (mode skip) and Expired (not handed out in time). */
  skippedBy: Record<string, number>;
}

/** The version's send counters (zero before any). */
export const sendsOf = (a: VersionAnalytics): SendCounters => a.sends ?? { requested: 0, held: 0, skippedBy: {} };

/**
 * A branch of an experiment: customers the experiment assigned (and of those, converted), sent down
 * the winner once it concluded, or kept on it as assigned before (sticky).
 */
export interface ExperimentCounters {
  experiment: number;
  converted: number;
  winner: number;
  sticky: number;
}

/** Counters of a version nobody has entered yet. */
export const emptyAnalytics = (journeyId: string, version: number): VersionAnalytics => ({
  journeyId,
  version,
  entered: 0,
  active: 0,
  completed: 0,
  exited: 0,
  removed: 0,
  exitedBy: {},
  blocked: {},
  goalReached: 0,
  steps: {},
});

type Counted = InstanceEvent | CustomerEntryBlocked | CustomerEntryDelayed;

/** The event types the analytics count; the projection's subscription reads no others. */
export const ANALYTICS_EVENT_TYPES: ReadonlySet<string> = new Set<Counted['type']>([
  'CustomerEntryBlocked',
  'CustomerEntered',
  'StepEntered',
  'CustomerCompleted',
  'CustomerExited',
  'CustomerRemoved',
  'GoalReached',
  // The delivery controls (docs/delivery-controls.md).
  'ActionRequested',
  'SendHeld',
  'SendSkipped',
  'ActionCancelled',
  'CustomerHeld',
  'CustomerEntryDelayed',
  'SplitAssigned',
  'ExperimentConverted',
]);

/** What one event reads and changes: its version's counters and, for an instance, the step it is at. */
export interface AnalyticsSlice {
  counters: VersionAnalytics;
  /** The instance's current step; null before its first step and after it left. */
  at: string | null;
}

/** The slice an event touches: its version and instance (none for events the analytics ignore). */
export function analyticsKeys(event: { type: string; data: unknown }): { version: string; instanceId?: string } | null {
  if (!ANALYTICS_EVENT_TYPES.has(event.type)) return null;
  const data = event.data as { journeyId: string; version: number; instanceId?: string };
  return { version: versionKey(data.journeyId, data.version), instanceId: data.instanceId };
}

const bump = (counts: Record<string, number>, key: string) => ({ ...counts, [key]: (counts[key] ?? 0) + 1 });

function moveStep(
  counters: VersionAnalytics,
  from: string | null,
  how: 'passed' | 'exited',
  to?: string,
): VersionAnalytics {
  const steps = { ...counters.steps };
  const at = (id: string) => (steps[id] = { ...(steps[id] ?? { entered: 0, current: 0, passed: 0, exited: 0 }) });
  if (from) {
    at(from).current--;
    at(from)[how]++;
  }
  if (to) {
    at(to).entered++;
    at(to).current++;
  }
  return { ...counters, steps };
}

/** Pure: the slice after one event. Each stored event is counted once (the runner applies by position). */
export function evolveAnalytics(slice: AnalyticsSlice, event: { type: string; data: unknown }): AnalyticsSlice {
  const e = event as Counted;
  const c = slice.counters;
  switch (e.type) {
    case 'CustomerEntryBlocked':
      return { ...slice, counters: { ...c, blocked: bump(c.blocked, e.data.reason) } };
    case 'CustomerEntered':
      return { ...slice, counters: { ...c, entered: c.entered + 1, active: c.active + 1 } };
    case 'StepEntered':
      return { counters: moveStep(c, slice.at, 'passed', e.data.stepId), at: e.data.stepId };
    case 'CustomerCompleted':
      return {
        counters: moveStep({ ...c, active: c.active - 1, completed: c.completed + 1 }, slice.at, 'passed'),
        at: null,
      };
    case 'CustomerExited': {
      const counted = { ...c, active: c.active - 1, exited: c.exited + 1, exitedBy: bump(c.exitedBy, e.data.reason) };
      return { counters: moveStep(counted, slice.at, 'exited'), at: null };
    }
    case 'CustomerRemoved':
      return {
        counters: moveStep({ ...c, active: c.active - 1, removed: c.removed + 1 }, slice.at, 'exited'),
        at: null,
      };
    case 'GoalReached':
      return { ...slice, counters: { ...c, goalReached: c.goalReached + 1 } };
    case 'ActionRequested': {
      const sends = sendsOf(c);
      return { ...slice, counters: { ...c, sends: { ...sends, requested: sends.requested + 1 } } };
    }
    case 'SendHeld': {
      const sends = sendsOf(c);
      return { ...slice, counters: { ...c, sends: { ...sends, held: sends.held + 1 } } };
    }
    case 'SendSkipped':
    case 'ActionCancelled': {
      // A stop's cancellations are counted as removals; the controls' reasons are counted here.
      if (e.type === 'ActionCancelled' && e.data.reason !== 'Expired') return slice;
      const sends = sendsOf(c);
      return { ...slice, counters: { ...c, sends: { ...sends, skippedBy: bump(sends.skippedBy, e.data.reason) } } };
    }
    case 'CustomerHeld':
      return { ...slice, counters: { ...c, held: bump(c.held ?? {}, e.data.reason) } };
    case 'CustomerEntryDelayed':
      return { ...slice, counters: { ...c, delayed: bump(c.delayed ?? {}, e.data.reason) } };
    case 'SplitAssigned':
    case 'ExperimentConverted': {
      const assignment = e.type === 'SplitAssigned' ? e.data.assignment : 'converted';
      if (assignment === undefined) return slice;
      const steps = c.experiments ?? {};
      const branches = steps[e.data.stepId] ?? {};
      const before = branches[String(e.data.branch)] ?? { experiment: 0, converted: 0, winner: 0, sticky: 0 };
      const branch = { ...before, [assignment]: before[assignment] + 1 };
      const experiments = { ...steps, [e.data.stepId]: { ...branches, [String(e.data.branch)]: branch } };
      return { ...slice, counters: { ...c, experiments } };
    }
    default:
      return slice;
  }
}

/** Every version's counters and every instance's step: the whole read model, in memory. */
export interface AnalyticsView {
  versions: Record<string, VersionAnalytics>;
  at: Record<string, string>;
}

/** The analytics as one fold over the whole view (for specs and in-memory rebuilds); the writer folds slices. */
export const analyticsFold = {
  initialState: (): AnalyticsView => ({ versions: {}, at: {} }),
  evolve(view: AnalyticsView, event: { type: string; data: unknown }): { state: AnalyticsView; writes: never[] } {
    const keys = analyticsKeys(event);
    if (!keys) return { state: view, writes: [] };
    const data = event.data as { journeyId: string; version: number };
    const before: AnalyticsSlice = {
      counters: view.versions[keys.version] ?? emptyAnalytics(data.journeyId, data.version),
      at: keys.instanceId === undefined ? null : (view.at[keys.instanceId] ?? null),
    };
    const after = evolveAnalytics(before, event);
    const at = { ...view.at };
    if (keys.instanceId !== undefined) {
      if (after.at === null) delete at[keys.instanceId];
      else at[keys.instanceId] = after.at;
    }
    return { state: { versions: { ...view.versions, [keys.version]: after.counters }, at }, writes: [] };
  },
};
