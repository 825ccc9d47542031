import type Database from 'better-sqlite3';
import type { JourneyState } from '../../journeys/journey.decider';
import type { InstanceState } from '../instance.decider';
import type { Profile, Stamp } from '../rules/event-time';

/** One pending unit of engine work that runs in chunks and keeps its cursor (segment enrolment, stopping). */
export type EngineJob =
  | {
      kind: 'enrol';
      jobId: string;
      journeyId: string;
      version: number;
      segments: string[];
      /** Occurrence number (1-based) of a recurring journey; 1 otherwise. */
      occurrence: number;
      /** When the occurrence starts (ms). */
      startAt: number;
      /** When the first occurrence started (ms); later ones count from it, so month ends clamp right. */
      firstAt: number;
      /** Last customer id entered; members are enrolled in id order. */
      cursor: string;
    }
  | { kind: 'stop'; jobId: string; journeyId: string; version: number; startAt: number };

/** Values bound per `IN (...)` list: one statement execution loads this many customers. */
const IN_LIST = 256;
const IN_PLACEHOLDERS = Array.from({ length: IN_LIST }, () => '?').join(', ');

export interface ActionRow {
  seq: number;
  actionId: string;
  instanceId: string;
  journeyId: string;
  version: number;
  customerId: string;
  status: 'pending' | 'handed' | 'cancelling' | 'cancelled';
  payload: string;
}

/**
 * The engine's working state in the read-model file: instances, the timer index ordered by due time,
 * re-entry counts, segment membership, profiles, the actions outbox and pending jobs. It changes only
 * in the transaction that also moves the engine's checkpoint, so a crash replays whole batches.
 */
export class EngineState {
  private readonly s: ReturnType<EngineState['prepare']>;

  constructor(readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rt_journeys (journey_id TEXT PRIMARY KEY, state TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS rt_instances (
        instance_id TEXT PRIMARY KEY, journey_id TEXT NOT NULL, version INTEGER NOT NULL,
        customer_id TEXT NOT NULL, status TEXT NOT NULL, ended_at INTEGER, state TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS rt_instances_customer ON rt_instances (customer_id);
      CREATE INDEX IF NOT EXISTS rt_instances_version ON rt_instances (journey_id, version, status);
      CREATE TABLE IF NOT EXISTS rt_entries (
        journey_id TEXT NOT NULL, customer_id TEXT NOT NULL, entries INTEGER NOT NULL, last_entry_at INTEGER NOT NULL,
        PRIMARY KEY (journey_id, customer_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS rt_timers (timer_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, due_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS rt_timers_due ON rt_timers (due_at);
      CREATE TABLE IF NOT EXISTS rt_segments (
        segment_id TEXT NOT NULL, customer_id TEXT NOT NULL, PRIMARY KEY (segment_id, customer_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS rt_segments_customer ON rt_segments (customer_id, segment_id);
      CREATE TABLE IF NOT EXISTS rt_profiles (customer_id TEXT PRIMARY KEY, attributes TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS rt_actions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, action_id TEXT NOT NULL UNIQUE, instance_id TEXT NOT NULL, journey_id TEXT NOT NULL,
        version INTEGER NOT NULL, customer_id TEXT NOT NULL, status TEXT NOT NULL, expires_at INTEGER, payload TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS rt_actions_version ON rt_actions (journey_id, version, status);
      CREATE TABLE IF NOT EXISTS rt_jobs (job_id TEXT PRIMARY KEY, start_at INTEGER NOT NULL, job TEXT NOT NULL);
    `);
    migrate(db);
    this.s = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      journeys: db.prepare('SELECT state FROM rt_journeys'),
      saveJourney: db.prepare(
        'INSERT INTO rt_journeys (journey_id, state) VALUES (?, ?) ON CONFLICT(journey_id) DO UPDATE SET state = excluded.state',
      ),
      instance: db.prepare('SELECT state FROM rt_instances WHERE instance_id = ?'),
      instancesOfCustomer: db.prepare('SELECT state FROM rt_instances WHERE customer_id = ?'),
      activeOfVersion: db.prepare(
        "SELECT state FROM rt_instances WHERE journey_id = ? AND version = ? AND status = 'active' LIMIT ?",
      ),
      anyActive: db
        .prepare("SELECT 1 FROM rt_instances WHERE journey_id = ? AND version = ? AND status = 'active' LIMIT 1")
        .pluck(true),
      saveInstance: db.prepare(
        `INSERT INTO rt_instances (instance_id, journey_id, version, customer_id, status, ended_at, state)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(instance_id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at, state = excluded.state`,
      ),
      entries: db.prepare('SELECT entries, last_entry_at FROM rt_entries WHERE journey_id = ? AND customer_id = ?'),
      saveEntries: db.prepare(
        `INSERT INTO rt_entries (journey_id, customer_id, entries, last_entry_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(journey_id, customer_id) DO UPDATE SET entries = excluded.entries, last_entry_at = excluded.last_entry_at`,
      ),
      addTimer: db.prepare('INSERT OR REPLACE INTO rt_timers (timer_id, instance_id, due_at) VALUES (?, ?, ?)'),
      removeTimer: db.prepare('DELETE FROM rt_timers WHERE timer_id = ?'),
      dueTimers: db.prepare(
        'SELECT timer_id, instance_id, due_at FROM rt_timers WHERE due_at <= ? ORDER BY due_at LIMIT ?',
      ),
      nextDue: db.prepare('SELECT MIN(due_at) AS due FROM rt_timers'),
      segmentsOf: db
        .prepare('SELECT segment_id, member, changed_at, change_id FROM rt_segments WHERE customer_id = ?')
        .raw(true),
      // A customer who leaves keeps a row (member = 0) with the change's stamp: an older join that
      // arrives later must lose to it.
      setMembership: db.prepare(
        `INSERT INTO rt_segments (segment_id, customer_id, member, changed_at, change_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(segment_id, customer_id) DO UPDATE SET
           member = excluded.member, changed_at = excluded.changed_at, change_id = excluded.change_id`,
      ),
      profile: db.prepare('SELECT attributes, stamps FROM rt_profiles WHERE customer_id = ?'),
      saveProfile: db.prepare(
        `INSERT INTO rt_profiles (customer_id, attributes, stamps) VALUES (?, ?, ?)
         ON CONFLICT(customer_id) DO UPDATE SET attributes = excluded.attributes, stamps = excluded.stamps`,
      ),
      addAction: db.prepare(
        `INSERT OR IGNORE INTO rt_actions (action_id, instance_id, journey_id, version, customer_id, status, expires_at, payload)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
      ),
      setActionStatus: db.prepare('UPDATE rt_actions SET status = ? WHERE action_id = ?'),
      undeliveredOfVersion: db.prepare(
        "SELECT action_id, instance_id, payload FROM rt_actions WHERE journey_id = ? AND version = ? AND status IN ('pending', 'cancelling') LIMIT ?",
      ),
      jobs: db.prepare('SELECT job FROM rt_jobs WHERE start_at <= ? ORDER BY start_at LIMIT 1'),
      nextJob: db.prepare('SELECT MIN(start_at) AS due FROM rt_jobs'),
      saveJob: db.prepare(
        'INSERT INTO rt_jobs (job_id, start_at, job) VALUES (?, ?, ?) ON CONFLICT(job_id) DO UPDATE SET start_at = excluded.start_at, job = excluded.job',
      ),
      removeJob: db.prepare('DELETE FROM rt_jobs WHERE job_id = ?'),
      hasJob: db.prepare('SELECT 1 FROM rt_jobs WHERE job_id = ?').pluck(true),
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
  entriesOf(journeyId: string, customerIds: readonly string[]): Map<string, { entries: number; lastEntryAt: number }> {
    const rows = inLists<[string, number, number]>(this.s.entriesByCustomers, customerIds, journeyId);
    return new Map(rows.map(([customerId, entries, lastEntryAt]) => [customerId, { entries, lastEntryAt }]));
  }

  journeys(): JourneyState[] {
    return (this.s.journeys.all() as { state: string }[]).map((r) => JSON.parse(r.state) as JourneyState);
  }
  saveJourney(state: Extract<JourneyState, { status: 'present' }>): void {
    this.s.saveJourney.run(state.journeyId, JSON.stringify(state));
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
    return (this.s.activeOfVersion.all(journeyId, version, limit) as { state: string }[]).map(
      (r) => JSON.parse(r.state) as InstanceState,
    );
  }
  /** Whether any customer is still inside the version (an index probe, not a count). */
  hasActive(journeyId: string, version: number): boolean {
    return this.s.anyActive.get(journeyId, version) !== undefined;
  }
  saveInstance(state: InstanceState): void {
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
    );
  }

  entries(journeyId: string, customerId: string): { entries: number; lastEntryAt: number } {
    const row = this.s.entries.get(journeyId, customerId) as { entries: number; last_entry_at: number } | undefined;
    return row ? { entries: row.entries, lastEntryAt: row.last_entry_at } : { entries: 0, lastEntryAt: 0 };
  }
  saveEntries(journeyId: string, customerId: string, value: { entries: number; lastEntryAt: number }): void {
    this.s.saveEntries.run(journeyId, customerId, value.entries, value.lastEntryAt);
  }

  addTimer(timerId: string, instanceId: string, dueAt: number): void {
    this.s.addTimer.run(timerId, instanceId, dueAt);
  }
  removeTimer(timerId: string): void {
    this.s.removeTimer.run(timerId);
  }
  dueTimers(now: number, limit: number): { timerId: string; instanceId: string; dueAt: number }[] {
    return (this.s.dueTimers.all(now, limit) as { timer_id: string; instance_id: string; due_at: number }[]).map(
      (r) => ({
        timerId: r.timer_id,
        instanceId: r.instance_id,
        dueAt: r.due_at,
      }),
    );
  }
  /** The earliest due timer or job, for the scheduler's next wake-up. */
  nextWake(): number | undefined {
    const timer = (this.s.nextDue.get() as { due: number | null }).due;
    const job = (this.s.nextJob.get() as { due: number | null }).due;
    const candidates = [timer, job].filter((d): d is number => d !== null);
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
  setMembership(segmentId: string, customerId: string, member: boolean, stamp: Stamp): void {
    this.s.setMembership.run(segmentId, customerId, member ? 1 : 0, stamp[0], stamp[1]);
  }
  /** Members of any of the segments with an id above the cursor, in id order. */
  membersAfter(segments: readonly string[], cursor: string, limit: number): string[] {
    const placeholders = segments.map(() => '?').join(', ');
    const rows = this.db
      .prepare(
        `SELECT DISTINCT customer_id FROM rt_segments
         WHERE segment_id IN (${placeholders}) AND customer_id > ? AND member = 1
         ORDER BY customer_id LIMIT ?`,
      )
      .all(...segments, cursor, limit) as { customer_id: string }[];
    return rows.map((r) => r.customer_id);
  }

  profile(customerId: string): Profile {
    const row = this.s.profile.get(customerId) as { attributes: string; stamps: string | null } | undefined;
    return row ? profileOf(row.attributes, row.stamps) : { values: {}, stamps: {} };
  }
  saveProfile(customerId: string, profile: Profile): void {
    this.s.saveProfile.run(customerId, JSON.stringify(profile.values), JSON.stringify(profile.stamps));
  }

  addAction(row: Omit<ActionRow, 'seq' | 'status'> & { expiresAt?: number }): void {
    this.s.addAction.run(
      row.actionId,
      row.instanceId,
      row.journeyId,
      row.version,
      row.customerId,
      row.expiresAt ?? null,
      row.payload,
    );
  }
  setActionStatus(actionId: string, status: ActionRow['status']): void {
    this.s.setActionStatus.run(status, actionId);
  }
  /** Actions of a version that no reader has been handed yet. */
  undeliveredOfVersion(
    journeyId: string,
    version: number,
    limit: number,
  ): { actionId: string; instanceId: string; payload: string }[] {
    return (
      this.s.undeliveredOfVersion.all(journeyId, version, limit) as {
        action_id: string;
        instance_id: string;
        payload: string;
      }[]
    ).map((r) => ({ actionId: r.action_id, instanceId: r.instance_id, payload: r.payload }));
  }

  dueJob(now: number): EngineJob | undefined {
    const row = this.s.jobs.get(now) as { job: string } | undefined;
    return row ? (JSON.parse(row.job) as EngineJob) : undefined;
  }
  saveJob(job: EngineJob): void {
    this.s.saveJob.run(job.jobId, job.startAt, JSON.stringify(job));
  }
  removeJob(jobId: string): void {
    this.s.removeJob.run(jobId);
  }
  hasJob(jobId: string): boolean {
    return this.s.hasJob.get(jobId) !== undefined;
  }
}

/** A customer's segments: the current ones, and the stamp of the last change of each (left ones too). */
export interface Memberships {
  member: Set<string>;
  stamps: Map<string, Stamp>;
}

type MembershipRow = [customerId: string, segmentId: string, member: number, changedAt: number, changeId: string];

export function emptyMemberships(): Memberships {
  return { member: new Set(), stamps: new Map() };
}

function addMembership(memberships: Memberships, [, segmentId, member, changedAt, changeId]: MembershipRow): void {
  if (member) memberships.member.add(segmentId);
  // Rows from before stamps were kept carry 0 and '': any change with a time supersedes them.
  memberships.stamps.set(segmentId, [changedAt, changeId]);
}

function profileOf(attributes: string, stamps: string | null): Profile {
  return {
    values: JSON.parse(attributes) as Record<string, unknown>,
    stamps: stamps === null ? {} : (JSON.parse(stamps) as Record<string, Stamp>),
  };
}

/** Columns added since the first release, for read-model files written by it. */
function migrate(db: Database.Database): void {
  const columns = (table: string) =>
    new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
  const segments = columns('rt_segments');
  if (!segments.has('member')) {
    db.exec(`ALTER TABLE rt_segments ADD COLUMN member INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE rt_segments ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rt_segments ADD COLUMN change_id TEXT NOT NULL DEFAULT '';`);
  }
  if (!columns('rt_profiles').has('stamps')) db.exec('ALTER TABLE rt_profiles ADD COLUMN stamps TEXT');
}

/**
 * Runs a statement whose last parameters are an `IN (...)` list of IN_LIST values over `ids`, chunk
 * by chunk. The last chunk is padded by repeating its last id: a repeated value in an IN list
 * matches nothing twice, and one prepared statement serves every chunk.
 */
function inLists<Row>(statement: Database.Statement, ids: readonly string[], ...leading: unknown[]): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < ids.length; i += IN_LIST) {
    const chunk = ids.slice(i, i + IN_LIST);
    while (chunk.length < IN_LIST) chunk.push(chunk[chunk.length - 1]);
    for (const row of statement.all(...leading, ...chunk) as Row[]) rows.push(row);
  }
  return rows;
}
