import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@journeys/event-store';
import type { Projection } from '@journeys/read-models';
import {
  INSTANCE_EVENT_TYPES,
  type CustomerEntryBlocked,
  type CustomerEntryDelayed,
  type InstanceEvent,
} from '../instance.events';

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
}

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

const step = (a: VersionAnalytics, id: string): StepCounters =>
  (a.steps[id] ??= { entered: 0, current: 0, passed: 0, exited: 0 });

/**
 * Analytics per journey version and step, counted once per stored event (the projection is
 * idempotent by position), lagging the store by one batch instead of the hosted products' hours.
 */
export const analyticsProjection: Projection & {
  versions(db: Database.Database, journeyId: string): VersionAnalytics[];
  /** Every journey's versions, by journey id then version. */
  all(db: Database.Database): VersionAnalytics[];
} = {
  name: 'analytics',
  version: 1,
  eventTypes: [...INSTANCE_EVENT_TYPES, 'CustomerEntryBlocked', 'CustomerEntryDelayed'],
  setup(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS rm_analytics (journey_id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,
               PRIMARY KEY (journey_id, version));
             CREATE TABLE IF NOT EXISTS rm_analytics_position (instance_id TEXT PRIMARY KEY, step_id TEXT);`);
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS rm_analytics; DROP TABLE IF EXISTS rm_analytics_position;');
    this.setup(db);
  },
  apply(events: readonly RecordedEvent[], db) {
    const readDoc = db.prepare('SELECT doc FROM rm_analytics WHERE journey_id = ? AND version = ?');
    const readStep = db.prepare('SELECT step_id FROM rm_analytics_position WHERE instance_id = ?');
    const docs = new Map<string, VersionAnalytics>();
    const positions = new Map<string, string | null>();
    const doc = (journeyId: string, version: number) => {
      const key = `${journeyId}#${version}`;
      let d = docs.get(key);
      if (!d) {
        const row = readDoc.get(journeyId, version) as { doc: string } | undefined;
        d = row ? (JSON.parse(row.doc) as VersionAnalytics) : emptyAnalytics(journeyId, version);
        docs.set(key, d);
      }
      return d;
    };
    const currentStep = (instanceId: string) => {
      if (!positions.has(instanceId)) {
        positions.set(
          instanceId,
          (readStep.get(instanceId) as { step_id: string | null } | undefined)?.step_id ?? null,
        );
      }
      return positions.get(instanceId) ?? null;
    };
    const leave = (a: VersionAnalytics, instanceId: string, how: 'passed' | 'exited') => {
      const at = currentStep(instanceId);
      if (at) {
        step(a, at).current--;
        step(a, at)[how]++;
      }
      positions.set(instanceId, null);
    };

    for (const event of events) {
      if (event.type === 'CustomerEntryBlocked') {
        const { journeyId, version, reason } = (event as unknown as CustomerEntryBlocked).data;
        const a = doc(journeyId, version);
        a.blocked[reason] = (a.blocked[reason] ?? 0) + 1;
        continue;
      }
      if (event.type === 'CustomerEntryDelayed') {
        const { journeyId, version, reason } = (event as unknown as CustomerEntryDelayed).data;
        const delayed = (doc(journeyId, version).delayed ??= {});
        delayed[reason] = (delayed[reason] ?? 0) + 1;
        continue;
      }
      const e = { type: event.type, data: event.data } as InstanceEvent;
      switch (e.type) {
        case 'CustomerEntered': {
          const a = doc(e.data.journeyId, e.data.version);
          a.entered++;
          a.active++;
          break;
        }
        case 'StepEntered': {
          const a = doc(e.data.journeyId, e.data.version);
          leave(a, e.data.instanceId, 'passed');
          step(a, e.data.stepId).entered++;
          step(a, e.data.stepId).current++;
          positions.set(e.data.instanceId, e.data.stepId);
          break;
        }
        case 'CustomerCompleted': {
          const a = doc(e.data.journeyId, e.data.version);
          a.active--;
          a.completed++;
          leave(a, e.data.instanceId, 'passed');
          break;
        }
        case 'CustomerExited': {
          const a = doc(e.data.journeyId, e.data.version);
          a.active--;
          a.exited++;
          a.exitedBy[e.data.reason] = (a.exitedBy[e.data.reason] ?? 0) + 1;
          leave(a, e.data.instanceId, 'exited');
          break;
        }
        case 'CustomerRemoved': {
          const a = doc(e.data.journeyId, e.data.version);
          a.active--;
          a.removed++;
          leave(a, e.data.instanceId, 'exited');
          break;
        }
        case 'GoalReached':
          doc(e.data.journeyId, e.data.version).goalReached++;
          break;
        case 'SplitAssigned':
        case 'ExperimentConverted': {
          const assignment = e.type === 'SplitAssigned' ? e.data.assignment : 'converted';
          if (assignment === undefined) break;
          const steps = (doc(e.data.journeyId, e.data.version).experiments ??= {});
          const branches = (steps[e.data.stepId] ??= {});
          const counters = (branches[String(e.data.branch)] ??= { experiment: 0, converted: 0, winner: 0, sticky: 0 });
          counters[assignment] += 1;
          break;
        }
        case 'CustomerHeld': {
          const held = (doc(e.data.journeyId, e.data.version).held ??= {});
          held[e.data.reason] = (held[e.data.reason] ?? 0) + 1;
          break;
        }
        default:
          break;
      }
    }
    const writeDoc = db.prepare(
      'INSERT INTO rm_analytics (journey_id, version, doc) VALUES (?, ?, ?) ON CONFLICT(journey_id, version) DO UPDATE SET doc = excluded.doc',
    );
    const writeStep = db.prepare(
      'INSERT INTO rm_analytics_position (instance_id, step_id) VALUES (?, ?) ON CONFLICT(instance_id) DO UPDATE SET step_id = excluded.step_id',
    );
    const dropStep = db.prepare('DELETE FROM rm_analytics_position WHERE instance_id = ?');
    for (const a of docs.values()) writeDoc.run(a.journeyId, a.version, JSON.stringify(a));
    for (const [instanceId, stepId] of positions) {
      if (stepId === null) dropStep.run(instanceId);
      else writeStep.run(instanceId, stepId);
    }
  },
  versions(db, journeyId) {
    return (
      db.prepare('SELECT doc FROM rm_analytics WHERE journey_id = ? ORDER BY version').all(journeyId) as {
        doc: string;
      }[]
    ).map((r) => JSON.parse(r.doc) as VersionAnalytics);
  },
  all(db) {
    return (
      db.prepare('SELECT doc FROM rm_analytics ORDER BY journey_id, version').all() as {
        doc: string;
      }[]
    ).map((r) => JSON.parse(r.doc) as VersionAnalytics);
  },
};
