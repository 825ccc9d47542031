import type Database from 'better-sqlite3';
import type { ReadModelStore } from '@journeys/read-models';
import type { DeliverySettings } from '@journeys/definition';
import type { JourneyState } from '../../../journeys/journey.decider';
import type { InstanceState } from '../../instance.decider';
import type { CustomerDelivery } from '../../rules/delivery';
import type { Profile, Stamp } from '../../rules/event-time';
import {
  emptyMemberships,
  type DueTimer,
  type EngineChanges,
  type EngineJob,
  type EngineStore,
  type EngineStores,
  type EntryCount,
  type ExpiredAction,
  type ExperimentBucketKey,
  type Memberships,
  type UndeliveredAction,
} from '../engine-store.port';
import { createEngineSchema, IN_PLACEHOLDERS, inLists } from './engine-schema';
import { snapshotOf } from './engine-snapshot';
import { SqliteControls } from './sqlite-controls';
import { createDeliverySchema, SqliteDelivery } from './sqlite-delivery';
import { SqliteOutbox } from './sqlite-outbox';

/** The engine state of every partition held here, in the read-model file; partition stores are made on first use. */
export class SqliteEngineStores implements EngineStores {
  private readonly stores = new Map<number, SqliteEngineStore>();
  private readonly outbox: SqliteOutbox;

  constructor(private readonly readModels: ReadModelStore) {
    createEngineSchema(readModels.db);
    createDeliverySchema(readModels.db);
    this.outbox = new SqliteOutbox(readModels.db);
  }

  partition(partition: number): SqliteEngineStore {
    let store = this.stores.get(partition);
    if (!store) this.stores.set(partition, (store = new SqliteEngineStore(this.readModels, partition)));
    return store;
  }
  claimActions(actionIds: readonly string[], now: number): (string | undefined)[] | undefined {
    return this.outbox.claim(actionIds, now);
  }
  takeActions(after: number, limit: number, now: number): { actions: unknown[]; next: string } {
    return this.outbox.take(after, limit, now);
  }
}

/** A partition's checkpoint in the read-model file's checkpoint table (`engine` for partition 0, as before partitions). */
export const checkpointName = (partition: number): string => (partition === 0 ? 'engine' : `engine-p${partition}`);

/**
 * One partition's {@link EngineStore} in the read-model SQLite file: tables `rt_*`, whose rows carry
 * their partition, and the partition's checkpoint in the checkpoint table; every commit is one
 * transaction. Rows keyed by customer need no partition filter: a customer belongs to one partition.
 */
export class SqliteEngineStore implements EngineStore {
  private readonly db: Database.Database;
  private readonly s: ReturnType<SqliteEngineStore['prepare']>;
  private readonly outbox: SqliteOutbox;
  private readonly deliveryState: SqliteDelivery;
  private readonly controls: SqliteControls;
  private readonly checkpointKey: string;

  constructor(
    private readonly readModels: ReadModelStore,
    readonly partition = 0,
  ) {
    this.db = readModels.db;
    createEngineSchema(this.db);
    createDeliverySchema(this.db);
    this.s = this.prepare();
    this.outbox = new SqliteOutbox(this.db, partition);
    this.deliveryState = new SqliteDelivery(this.db, partition);
    this.controls = new SqliteControls(this.db, partition);
    this.checkpointKey = checkpointName(partition);
  }

  checkpoint(): bigint | undefined {
    return this.readModels.checkpoint(this.checkpointKey)?.position;
  }

  snapshot(): EngineChanges {
    return { ...snapshotOf(this.db, this.partition), ...this.deliveryState.snapshot(), ...this.controls.snapshot() };
  }

  /** Deletes everything of this partition (it moved to another instance). */
  drop(): void {
    this.db.transaction(() => {
      for (const table of ['rt_journeys', 'rt_instances', 'rt_entries', 'rt_timers', 'rt_segments', 'rt_profiles']) {
        this.db.prepare(`DELETE FROM ${table} WHERE partition = ?`).run(this.partition);
      }
      this.db.prepare('DELETE FROM rt_jobs WHERE partition = ?').run(this.partition);
      this.outbox.drop();
      this.deliveryState.drop();
      this.controls.drop();
      this.readModels.deleteCheckpoint(this.checkpointKey);
    })();
  }

  commit(changes: EngineChanges, checkpoint?: bigint): void {
    this.db.transaction(() => {
      for (const journey of changes.journeys) this.saveJourney(journey);
      for (const instance of changes.instances) this.saveInstance(instance);
      for (const e of changes.entries) this.saveEntries(e.journeyId, e.customerId, e.count);
      for (const m of changes.memberships) this.setMembership(m.segmentId, m.customerId, m.member, m.stamp);
      for (const p of changes.profiles) this.saveProfile(p.customerId, p.profile);
      for (const timerId of changes.timersRemoved) this.removeTimer(timerId);
      for (const t of changes.timersAdded) this.addTimer(t.timerId, t.instanceId, t.dueAt);
      for (const action of changes.actionsAdded) this.outbox.add(action);
      for (const actionId of changes.actionsCancelled) this.outbox.setStatus(actionId, 'cancelled');
      for (const actionId of changes.actionsHanded ?? []) this.outbox.setStatus(actionId, 'handed');
      for (const job of changes.jobsSaved) this.saveJob(job);
      for (const jobId of changes.jobsRemoved) this.removeJob(jobId);
      for (const d of changes.deliveries ?? []) this.deliveryState.save(d.customerId, d.state);
      for (const settings of changes.settings ?? []) this.deliveryState.saveSettings(settings);
      this.controls.save(changes);
      if (checkpoint !== undefined) this.readModels.saveCheckpoint(this.checkpointKey, checkpoint, 1);
    })();
  }

  undeliveredOfVersion(journeyId: string, version: number, limit: number): UndeliveredAction[] {
    return this.outbox.undeliveredOfVersion(journeyId, version, limit);
  }
  withdrawAction(actionId: string): void {
    this.outbox.setStatus(actionId, 'cancelling');
  }
  expiredActions(now: number, limit: number): ExpiredAction[] {
    return this.outbox.expired(now, limit);
  }

  delivery(customerId: string): CustomerDelivery {
    return this.deliveryState.of(customerId);
  }
  deliveriesOf(customerIds: readonly string[]): Map<string, CustomerDelivery> {
    return this.deliveryState.ofCustomers(customerIds);
  }
  settings(): DeliverySettings | undefined {
    return this.deliveryState.settings();
  }

  private prepare() {
    const db = this.db;
    return {
      journeys: db.prepare('SELECT state FROM rt_journeys WHERE partition = ?'),
      saveJourney: db.prepare(
        `INSERT INTO rt_journeys (partition, journey_id, state) VALUES (?, ?, ?)
         ON CONFLICT(partition, journey_id) DO UPDATE SET state = excluded.state`,
      ),
      instance: db.prepare('SELECT state FROM rt_instances WHERE instance_id = ?'),
      instancesOfCustomer: db.prepare('SELECT state FROM rt_instances WHERE customer_id = ?'),
      activeOfVersion: db.prepare(
        "SELECT state FROM rt_instances WHERE journey_id = ? AND version = ? AND status = 'active' AND partition = ? LIMIT ?",
      ),
      anyActive: db
        .prepare(
          "SELECT 1 FROM rt_instances WHERE journey_id = ? AND version = ? AND status = 'active' AND partition = ? LIMIT 1",
        )
        .pluck(true),
      saveInstance: db.prepare(
        `INSERT INTO rt_instances (instance_id, journey_id, version, customer_id, status, ended_at, state, partition)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(instance_id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at, state = excluded.state`,
      ),
      entries: db.prepare('SELECT entries, last_entry_at FROM rt_entries WHERE journey_id = ? AND customer_id = ?'),
      saveEntries: db.prepare(
        `INSERT INTO rt_entries (journey_id, customer_id, entries, last_entry_at, partition) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(journey_id, customer_id) DO UPDATE SET entries = excluded.entries, last_entry_at = excluded.last_entry_at`,
      ),
      addTimer: db.prepare(
        'INSERT OR REPLACE INTO rt_timers (timer_id, instance_id, due_at, partition) VALUES (?, ?, ?, ?)',
      ),
      removeTimer: db.prepare('DELETE FROM rt_timers WHERE timer_id = ?'),
      dueTimers: db.prepare(
        'SELECT timer_id, instance_id, due_at FROM rt_timers WHERE partition = ? AND due_at <= ? ORDER BY due_at LIMIT ?',
      ),
      nextDue: db.prepare('SELECT MIN(due_at) AS due FROM rt_timers WHERE partition = ?'),
      segmentsOf: db
        .prepare('SELECT segment_id, member, changed_at, change_id FROM rt_segments WHERE customer_id = ?')
        .raw(true),
      // A customer who leaves keeps a row (member = 0) with the change's stamp: an older join that
      // arrives later must lose to it.
      setMembership: db.prepare(
        `INSERT INTO rt_segments (segment_id, customer_id, member, changed_at, change_id, partition) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(segment_id, customer_id) DO UPDATE SET
           member = excluded.member, changed_at = excluded.changed_at, change_id = excluded.change_id`,
      ),
      profile: db.prepare('SELECT attributes, stamps FROM rt_profiles WHERE customer_id = ?'),
      saveProfile: db.prepare(
        `INSERT INTO rt_profiles (customer_id, attributes, stamps, partition) VALUES (?, ?, ?, ?)
         ON CONFLICT(customer_id) DO UPDATE SET attributes = excluded.attributes, stamps = excluded.stamps`,
      ),
      jobs: db.prepare('SELECT job FROM rt_jobs WHERE partition = ? AND start_at <= ? ORDER BY start_at LIMIT 1'),
      nextJob: db.prepare('SELECT MIN(start_at) AS due FROM rt_jobs WHERE partition = ?'),
      saveJob: db.prepare(
        `INSERT INTO rt_jobs (partition, job_id, start_at, job) VALUES (?, ?, ?, ?)
         ON CONFLICT(partition, job_id) DO UPDATE SET start_at = excluded.start_at, job = excluded.job`,
      ),
      removeJob: db.prepare('DELETE FROM rt_jobs WHERE partition = ? AND job_id = ?'),
      job: db.prepare('SELECT job FROM rt_jobs WHERE partition = ? AND job_id = ?').pluck(true),
      // Batch loads: one execution per IN_LIST ids instead of one point query per customer.
      instancesByCustomers: db
        .prepare(`SELECT customer_id, state FROM rt_instances WHERE customer_id IN (${IN_PLACEHOLDERS})`)
        .raw(true),
      instancesByIds: db
        .prepare(`SELECT state FROM rt_instances WHERE instance_id IN (${IN_PLACEHOLDERS})`)
        .pluck(true),
      segmentsByCustomers: db
        .prepare(
          `SELECT customer_id, segment_id, member, changed_at, change_id FROM rt_segments WHERE customer_id IN (${IN_PLACEHOLDERS})`,
        )
        .raw(true),
      profilesByCustomers: db
        .prepare(`SELECT customer_id, attributes, stamps FROM rt_profiles WHERE customer_id IN (${IN_PLACEHOLDERS})`)
        .raw(true),
      entriesByCustomers: db
        .prepare(
          `SELECT customer_id, entries, last_entry_at FROM rt_entries WHERE journey_id = ? AND customer_id IN (${IN_PLACEHOLDERS})`,
        )
        .raw(true),
    };
  }

  /** Every instance (any state) of each of the customers, keyed by customer. */
  instancesOfCustomers(customerIds: readonly string[]): Map<string, InstanceState[]> {
    const found = new Map<string, InstanceState[]>();
    for (const [customerId, state] of inLists<[string, string]>(this.s.instancesByCustomers, customerIds)) {
      const list = found.get(customerId);
      const instance = JSON.parse(state) as InstanceState;
      if (list) list.push(instance);
      else found.set(customerId, [instance]);
    }
    return found;
  }
  /** The stored instances among the ids (missing ones are left out). */
  instancesById(instanceIds: readonly string[]): InstanceState[] {
    return inLists<string>(this.s.instancesByIds, instanceIds).map((state) => JSON.parse(state) as InstanceState);
  }
  /** Segment memberships of each of the customers, keyed by customer. */
  segmentsOfCustomers(customerIds: readonly string[]): Map<string, Memberships> {
    const found = new Map<string, Memberships>();
    for (const row of inLists<MembershipRow>(this.s.segmentsByCustomers, customerIds)) {
      let memberships = found.get(row[0]);
      if (!memberships) found.set(row[0], (memberships = emptyMemberships()));
      addMembership(memberships, row);
    }
    return found;
  }
  /** Stored profiles of the customers, keyed by customer. */
  profilesOf(customerIds: readonly string[]): Map<string, Profile> {
    const rows = inLists<[string, string, string | null]>(this.s.profilesByCustomers, customerIds);
    return new Map(rows.map(([customerId, attributes, stamps]) => [customerId, profileOf(attributes, stamps)]));
  }
  /** Entry counts in one journey of the customers that have entered it, keyed by customer. */
  entriesOf(journeyId: string, customerIds: readonly string[]): Map<string, EntryCount> {
    const rows = inLists<[string, number, number]>(this.s.entriesByCustomers, customerIds, journeyId);
    return new Map(rows.map(([customerId, entries, lastEntryAt]) => [customerId, { entries, lastEntryAt }]));
  }

  journeys(): JourneyState[] {
    return (this.s.journeys.all(this.partition) as { state: string }[]).map((r) => JSON.parse(r.state) as JourneyState);
  }
  private saveJourney(state: Extract<JourneyState, { status: 'present' }>): void {
    this.s.saveJourney.run(this.partition, state.journeyId, JSON.stringify(state));
  }

  instance(instanceId: string): InstanceState | undefined {
    const row = this.s.instance.get(instanceId) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as InstanceState) : undefined;
  }
  instancesOfCustomer(customerId: string): InstanceState[] {
    return (this.s.instancesOfCustomer.all(customerId) as { state: string }[]).map(
      (r) => JSON.parse(r.state) as InstanceState,
    );
  }
  activeOfVersion(journeyId: string, version: number, limit: number): InstanceState[] {
    return (this.s.activeOfVersion.all(journeyId, version, this.partition, limit) as { state: string }[]).map(
      (r) => JSON.parse(r.state) as InstanceState,
    );
  }
  /** Whether any customer is still inside the version (an index probe, not a count). */
  hasActive(journeyId: string, version: number): boolean {
    return this.s.anyActive.get(journeyId, version, this.partition) !== undefined;
  }
  private saveInstance(state: InstanceState): void {
    if (state.status === 'new') return;
    const { ref } = state;
    const endedAt = state.endedAt ? Date.parse(state.endedAt) : null;
    this.s.saveInstance.run(
      ref.instanceId,
      ref.journeyId,
      ref.version,
      ref.customerId,
      state.status,
      endedAt,
      JSON.stringify(state),
      this.partition,
    );
  }

  entries(journeyId: string, customerId: string): EntryCount {
    const row = this.s.entries.get(journeyId, customerId) as { entries: number; last_entry_at: number } | undefined;
    return row ? { entries: row.entries, lastEntryAt: row.last_entry_at } : { entries: 0, lastEntryAt: 0 };
  }
  private saveEntries(journeyId: string, customerId: string, value: EntryCount): void {
    this.s.saveEntries.run(journeyId, customerId, value.entries, value.lastEntryAt, this.partition);
  }

  private addTimer(timerId: string, instanceId: string, dueAt: number): void {
    this.s.addTimer.run(timerId, instanceId, dueAt, this.partition);
  }
  private removeTimer(timerId: string): void {
    this.s.removeTimer.run(timerId);
  }
  dueTimers(now: number, limit: number): DueTimer[] {
    const rows = this.s.dueTimers.all(this.partition, now, limit) as {
      timer_id: string;
      instance_id: string;
      due_at: number;
    }[];
    return rows.map((r) => ({
      timerId: r.timer_id,
      instanceId: r.instance_id,
      dueAt: r.due_at,
    }));
  }
  /** The earliest due timer or job, for the scheduler's next wake-up. */
  nextWake(): number | undefined {
    const timer = (this.s.nextDue.get(this.partition) as { due: number | null }).due;
    const job = (this.s.nextJob.get(this.partition) as { due: number | null }).due;
    const expiry = this.outbox.nextExpiry() ?? null;
    const candidates = [timer, job, expiry].filter((d): d is number => d !== null);
    return candidates.length ? Math.min(...candidates) : undefined;
  }

  segmentsOf(customerId: string): Memberships {
    const memberships = emptyMemberships();
    for (const [segmentId, member, changedAt, changeId] of this.s.segmentsOf.all(customerId) as [
      string,
      number,
      number,
      string,
    ][]) {
      addMembership(memberships, [customerId, segmentId, member, changedAt, changeId]);
    }
    return memberships;
  }
  private setMembership(segmentId: string, customerId: string, member: boolean, stamp: Stamp): void {
    this.s.setMembership.run(segmentId, customerId, member ? 1 : 0, stamp[0], stamp[1], this.partition);
  }
  /** Members of any of the segments with an id above the cursor, in id order. */
  membersAfter(segments: readonly string[], cursor: string, limit: number): string[] {
    const placeholders = segments.map(() => '?').join(', ');
    const rows = this.db
      .prepare(
        `SELECT DISTINCT customer_id FROM rt_segments
         WHERE partition = ? AND segment_id IN (${placeholders}) AND customer_id > ? AND member = 1
         ORDER BY customer_id LIMIT ?`,
      )
      .all(this.partition, ...segments, cursor, limit) as { customer_id: string }[];
    return rows.map((r) => r.customer_id);
  }

  profile(customerId: string): Profile {
    const row = this.s.profile.get(customerId) as { attributes: string; stamps: string | null } | undefined;
    return row ? profileOf(row.attributes, row.stamps) : { values: {}, stamps: {} };
  }
  private saveProfile(customerId: string, profile: Profile): void {
    this.s.saveProfile.run(customerId, JSON.stringify(profile.values), JSON.stringify(profile.stamps), this.partition);
  }

  dueJob(now: number): EngineJob | undefined {
    const row = this.s.jobs.get(this.partition, now) as { job: string } | undefined;
    return row ? (JSON.parse(row.job) as EngineJob) : undefined;
  }
  job(jobId: string): EngineJob | undefined {
    const job = this.s.job.get(this.partition, jobId) as string | undefined;
    return job === undefined ? undefined : (JSON.parse(job) as EngineJob);
  }
  experimentBucket(key: ExperimentBucketKey): { assigned: number; converted: number } {
    return this.controls.experimentBucket(key);
  }
  experimentFigures(journeyId: string, version: number, stepId: string, lastBucket: number) {
    return this.controls.experimentFigures(journeyId, version, stepId, lastBucket);
  }
  entrySlot(journeyId: string, version: number): number | undefined {
    return this.controls.entrySlot(journeyId, version);
  }
  pauseHoldsOf(journeyId: string, version: number, limit: number): string[] {
    return this.controls.pauseHoldsOf(journeyId, version, limit);
  }
  private saveJob(job: EngineJob): void {
    this.s.saveJob.run(this.partition, job.jobId, job.startAt, JSON.stringify(job));
  }
  private removeJob(jobId: string): void {
    this.s.removeJob.run(this.partition, jobId);
  }
}

type MembershipRow = [customerId: string, segmentId: string, member: number, changedAt: number, changeId: string];

function addMembership(memberships: Memberships, [, segmentId, member, changedAt, changeId]: MembershipRow): void {
  if (member) memberships.member.add(segmentId);
  memberships.stamps.set(segmentId, [changedAt, changeId]);
}

function profileOf(attributes: string, stamps: string | null): Profile {
  return {
    values: JSON.parse(attributes) as Record<string, unknown>,
    stamps: stamps === null ? {} : (JSON.parse(stamps) as Record<string, Stamp>),
  };
}
