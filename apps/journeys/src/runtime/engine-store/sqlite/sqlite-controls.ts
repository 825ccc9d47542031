import type Database from 'better-sqlite3';
import type { EngineChanges, ExperimentBucketKey } from '../engine-store.port';

type ControlChanges = Pick<EngineChanges, 'pauseHolds' | 'pauseHoldsRemoved' | 'entrySlots' | 'experimentCounts'>;
type Counts = { assigned: number; converted: number };

/**
 * One partition's state of the entry controls, in the read-model file beside the rest of the engine
 * state (tables in engine-schema.ts): the customers a pause holds, the last entry slot taken per
 * rate-limited version, and the experiment counts per hour of assignment and branch.
 */
export class SqliteControls {
  private readonly s: ReturnType<SqliteControls['prepare']>;

  constructor(
    private readonly db: Database.Database,
    private readonly partition: number,
  ) {
    this.s = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      addHold: db.prepare(
        'INSERT OR REPLACE INTO rt_pause_holds (partition, instance_id, journey_id, version, held_at) VALUES (?, ?, ?, ?, ?)',
      ),
      removeHold: db.prepare('DELETE FROM rt_pause_holds WHERE partition = ? AND instance_id = ?'),
      holdsOf: db
        .prepare(
          `SELECT instance_id FROM rt_pause_holds WHERE partition = ? AND journey_id = ? AND version = ?
           ORDER BY held_at, instance_id LIMIT ?`,
        )
        .pluck(true),
      slot: db
        .prepare('SELECT slot FROM rt_entry_slots WHERE partition = ? AND journey_id = ? AND version = ?')
        .pluck(true),
      saveSlot: db.prepare(
        'INSERT OR REPLACE INTO rt_entry_slots (partition, journey_id, version, slot) VALUES (?, ?, ?, ?)',
      ),
      count: db.prepare(
        `SELECT assigned, converted FROM rt_experiment_counts
         WHERE partition = ? AND journey_id = ? AND version = ? AND step_id = ? AND bucket = ? AND branch = ?`,
      ),
      figures: db.prepare(
        `SELECT branch, SUM(assigned) AS assigned, SUM(converted) AS converted FROM rt_experiment_counts
         WHERE partition = ? AND journey_id = ? AND version = ? AND step_id = ? AND bucket <= ? GROUP BY branch`,
      ),
      saveCount: db.prepare(
        `INSERT OR REPLACE INTO rt_experiment_counts
         (partition, journey_id, version, step_id, branch, bucket, assigned, converted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  /** Applies a unit's control changes (inside the engine store's transaction). */
  save(changes: Partial<ControlChanges>): void {
    const p = this.partition;
    for (const h of changes.pauseHolds ?? []) this.s.addHold.run(p, h.instanceId, h.journeyId, h.version, h.heldAt);
    for (const instanceId of changes.pauseHoldsRemoved ?? []) this.s.removeHold.run(p, instanceId);
    for (const e of changes.entrySlots ?? []) this.s.saveSlot.run(p, e.journeyId, e.version, e.slot);
    for (const c of changes.experimentCounts ?? []) {
      this.s.saveCount.run(p, c.journeyId, c.version, c.stepId, c.branch, c.bucket, c.assigned, c.converted);
    }
  }

  experimentBucket({ journeyId, version, stepId, bucket, branch }: ExperimentBucketKey): Counts {
    const row = this.s.count.get(this.partition, journeyId, version, stepId, bucket, branch) as Counts | undefined;
    return row ?? { assigned: 0, converted: 0 };
  }

  /** Per branch, the counts of every hour up to `lastBucket`. */
  experimentFigures(journeyId: string, version: number, stepId: string, lastBucket: number): Map<number, Counts> {
    const rows = this.s.figures.all(this.partition, journeyId, version, stepId, lastBucket) as ({
      branch: number;
    } & Counts)[];
    return new Map(rows.map((r) => [r.branch, { assigned: r.assigned, converted: r.converted }]));
  }

  entrySlot(journeyId: string, version: number): number | undefined {
    return this.s.slot.get(this.partition, journeyId, version) as number | undefined;
  }

  /** The oldest `limit` customers a pause holds in the version (instance ids). */
  pauseHoldsOf(journeyId: string, version: number, limit: number): string[] {
    return this.s.holdsOf.all(this.partition, journeyId, version, limit) as string[];
  }

  /** The whole control state of the partition, as the changes that rebuild it. */
  snapshot(): ControlChanges {
    const rows = <T>(sql: string) => this.db.prepare(sql).all(this.partition) as T[];
    return {
      pauseHolds: rows<{ instance_id: string; journey_id: string; version: number; held_at: number }>(
        'SELECT instance_id, journey_id, version, held_at FROM rt_pause_holds WHERE partition = ?',
      ).map((r) => ({ instanceId: r.instance_id, journeyId: r.journey_id, version: r.version, heldAt: r.held_at })),
      pauseHoldsRemoved: [],
      entrySlots: rows<{ journey_id: string; version: number; slot: number }>(
        'SELECT journey_id, version, slot FROM rt_entry_slots WHERE partition = ?',
      ).map((r) => ({ journeyId: r.journey_id, version: r.version, slot: r.slot })),
      experimentCounts: rows<
        { journey_id: string; step_id: string } & Omit<ExperimentBucketKey, 'journeyId' | 'stepId'> & Counts
      >(
        'SELECT journey_id, version, step_id, branch, bucket, assigned, converted FROM rt_experiment_counts WHERE partition = ?',
      ).map((r) => ({
        journeyId: r.journey_id,
        version: r.version,
        stepId: r.step_id,
        branch: r.branch,
        bucket: r.bucket,
        assigned: r.assigned,
        converted: r.converted,
      })),
    };
  }

  drop(): void {
    for (const table of ['rt_pause_holds', 'rt_entry_slots', 'rt_experiment_counts']) {
      this.db.prepare(`DELETE FROM ${table} WHERE partition = ?`).run(this.partition);
    }
  }
}
