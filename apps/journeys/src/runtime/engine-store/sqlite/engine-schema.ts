import type Database from 'better-sqlite3';

/** The engine's tables in the read-model file (prefix `rt_`), created when missing. */
export function createEngineSchema(db: Database.Database): void {
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
}

/**
 * Columns and keys added since the first release, for read-model files written by it: event-time
 * stamps, and the engine partition each row belongs to (rows of the first release are partition 0).
 */
function migrate(db: Database.Database): void {
  const columns = (table: string) =>
    new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
  if (!columns('rt_segments').has('member')) {
    // A customer who leaves keeps a row (member = 0) with the change's stamp: an older join that
    // arrives later must lose to it. Rows of the first release carry 0 and '': any dated change wins.
    db.exec(`ALTER TABLE rt_segments ADD COLUMN member INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE rt_segments ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rt_segments ADD COLUMN change_id TEXT NOT NULL DEFAULT '';`);
  }
  if (!columns('rt_profiles').has('stamps')) db.exec('ALTER TABLE rt_profiles ADD COLUMN stamps TEXT');
  for (const table of ['rt_instances', 'rt_entries', 'rt_timers', 'rt_segments', 'rt_profiles', 'rt_actions']) {
    if (!columns(table).has('partition'))
      db.exec(`ALTER TABLE ${table} ADD COLUMN partition INTEGER NOT NULL DEFAULT 0`);
  }
  // Journeys and jobs are per partition: their keys gain the partition.
  if (!columns('rt_journeys').has('partition')) {
    db.exec(`CREATE TABLE rt_journeys_p (partition INTEGER NOT NULL, journey_id TEXT NOT NULL, state TEXT NOT NULL,
               PRIMARY KEY (partition, journey_id));
             INSERT INTO rt_journeys_p SELECT 0, journey_id, state FROM rt_journeys;
             DROP TABLE rt_journeys; ALTER TABLE rt_journeys_p RENAME TO rt_journeys;`);
  }
  if (!columns('rt_jobs').has('partition')) {
    db.exec(`CREATE TABLE rt_jobs_p (partition INTEGER NOT NULL, job_id TEXT NOT NULL, start_at INTEGER NOT NULL,
               job TEXT NOT NULL, PRIMARY KEY (partition, job_id));
             INSERT INTO rt_jobs_p SELECT 0, job_id, start_at, job FROM rt_jobs;
             DROP TABLE rt_jobs; ALTER TABLE rt_jobs_p RENAME TO rt_jobs;`);
  }
  db.exec(`DROP INDEX IF EXISTS rt_timers_due;
    CREATE INDEX IF NOT EXISTS rt_timers_partition_due ON rt_timers (partition, due_at);
    CREATE INDEX IF NOT EXISTS rt_jobs_partition_start ON rt_jobs (partition, start_at);
    CREATE INDEX IF NOT EXISTS rt_segments_partition ON rt_segments (partition, segment_id, customer_id);`);
  createControlTables(db);
}

/** Tables of the delivery controls (issue 16), per partition like every engine table. */
function createControlTables(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS rt_pause_holds (
      partition INTEGER NOT NULL, instance_id TEXT NOT NULL, journey_id TEXT NOT NULL, version INTEGER NOT NULL,
      held_at INTEGER NOT NULL, PRIMARY KEY (partition, instance_id)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS rt_pause_holds_order ON rt_pause_holds (partition, journey_id, version, held_at, instance_id);
    CREATE TABLE IF NOT EXISTS rt_entry_slots (
      partition INTEGER NOT NULL, journey_id TEXT NOT NULL, version INTEGER NOT NULL, slot INTEGER NOT NULL,
      PRIMARY KEY (partition, journey_id, version)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS rt_experiment_counts (
      partition INTEGER NOT NULL, journey_id TEXT NOT NULL, version INTEGER NOT NULL, step_id TEXT NOT NULL,
      branch INTEGER NOT NULL, bucket INTEGER NOT NULL, assigned INTEGER NOT NULL, converted INTEGER NOT NULL,
      PRIMARY KEY (partition, journey_id, version, step_id, bucket, branch)) WITHOUT ROWID;`);
}

/** Values bound per `IN (...)` list: one statement execution loads this many customers. */
export const IN_LIST = 256;
export const IN_PLACEHOLDERS = Array.from({ length: IN_LIST }, () => '?').join(', ');

/**
 * Runs a statement whose last parameters are an `IN (...)` list of IN_LIST values over `ids`, chunk
 * by chunk. The last chunk is padded by repeating its last id: a repeated value in an IN list
 * matches nothing twice, and one prepared statement serves every chunk.
 */
export function inLists<Row>(statement: Database.Statement, ids: readonly string[], ...leading: unknown[]): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < ids.length; i += IN_LIST) {
    const chunk = ids.slice(i, i + IN_LIST);
    while (chunk.length < IN_LIST) chunk.push(chunk[chunk.length - 1]);
    for (const row of statement.all(...leading, ...chunk) as Row[]) rows.push(row);
  }
  return rows;
}
