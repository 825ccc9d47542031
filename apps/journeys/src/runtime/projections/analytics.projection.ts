import type Database from 'better-sqlite3';
import type { Projection } from '@journeys/read-models';
import {
  ANALYTICS_EVENT_TYPES,
  analyticsKeys,
  emptyAnalytics,
  evolveAnalytics,
  type AnalyticsSlice,
  type VersionAnalytics,
} from './analytics.fold';

export { emptyAnalytics, sendsOf, type StepCounters, type VersionAnalytics } from './analytics.fold';

const MOVES = new Set(['StepEntered', 'CustomerCompleted', 'CustomerExited', 'CustomerRemoved']);

/**
 * Analytics per journey version and step, counted once per stored event (the projection is
 * idempotent by position), lagging the store by one batch instead of the hosted products' hours.
 * The counting is the pure fold in `analytics.fold.ts`; this writer loads the slices a batch
 * touches once, folds them in memory and writes each changed row once.
 */
export const analyticsProjection: Projection & {
  versions(db: Database.Database, journeyId: string): VersionAnalytics[];
  /** Every journey's versions, by journey id then version. */
  all(db: Database.Database): VersionAnalytics[];
} = {
  name: 'analytics',
  version: 1,
  eventTypes: [...ANALYTICS_EVENT_TYPES],
  setup(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS rm_analytics (journey_id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,
               PRIMARY KEY (journey_id, version));
             CREATE TABLE IF NOT EXISTS rm_analytics_position (instance_id TEXT PRIMARY KEY, step_id TEXT);`);
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS rm_analytics; DROP TABLE IF EXISTS rm_analytics_position;');
    this.setup(db);
  },
  apply(events, db) {
    const readDoc = db.prepare('SELECT doc FROM rm_analytics WHERE journey_id = ? AND version = ?');
    const readStep = db.prepare('SELECT step_id FROM rm_analytics_position WHERE instance_id = ?');
    const versions = new Map<string, VersionAnalytics>();
    const positions = new Map<string, string | null>();
    const moved = new Set<string>();
    for (const event of events) {
      const keys = analyticsKeys(event);
      if (!keys) continue;
      const { journeyId, version } = event.data as { journeyId: string; version: number };
      let counters = versions.get(keys.version);
      if (!counters) {
        const row = readDoc.get(journeyId, version) as { doc: string } | undefined;
        counters = row ? (JSON.parse(row.doc) as VersionAnalytics) : emptyAnalytics(journeyId, version);
      }
      // Only the step moves and the endings read an instance's position.
      const id = MOVES.has(event.type) ? keys.instanceId : undefined;
      if (id !== undefined && !positions.has(id)) {
        positions.set(id, (readStep.get(id) as { step_id: string | null } | undefined)?.step_id ?? null);
      }
      const before: AnalyticsSlice = { counters, at: id === undefined ? null : (positions.get(id) ?? null) };
      const after = evolveAnalytics(before, event);
      versions.set(keys.version, after.counters);
      if (id !== undefined && after.at !== before.at) {
        positions.set(id, after.at);
        moved.add(id);
      }
    }
    const writeDoc = db.prepare(
      'INSERT INTO rm_analytics (journey_id, version, doc) VALUES (?, ?, ?) ON CONFLICT(journey_id, version) DO UPDATE SET doc = excluded.doc',
    );
    const writeStep = db.prepare(
      'INSERT INTO rm_analytics_position (instance_id, step_id) VALUES (?, ?) ON CONFLICT(instance_id) DO UPDATE SET step_id = excluded.step_id',
    );
    const dropStep = db.prepare('DELETE FROM rm_analytics_position WHERE instance_id = ?');
    for (const a of versions.values()) writeDoc.run(a.journeyId, a.version, JSON.stringify(a));
    for (const instanceId of moved) {
      const stepId = positions.get(instanceId);
      if (stepId === null || stepId === undefined) dropStep.run(instanceId);
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
