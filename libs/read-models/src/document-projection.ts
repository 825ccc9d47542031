import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@journeys/event-store';
import type { Projection } from './projection';

/** A projection whose read model is one JSON document per key, evolved event by event. */
export interface DocumentProjectionSpec<Doc> {
  name: string;
  version: number;
  /** The event types `keys` can answer for (see {@link Projection.eventTypes}). */
  eventTypes?: readonly string[];
  /** The documents an event changes; an empty array for events the projection ignores. */
  keys(event: RecordedEvent): readonly string[];
  /** The next state of one document; null deletes it. Pure. */
  evolve(doc: Doc | null, event: RecordedEvent, key: string): Doc | null;
  /** Columns extracted from the document for queries (each gets an index). */
  columns?: Record<string, (doc: Doc) => string | number | null>;
}

export interface DocumentProjection<Doc> extends Projection {
  get(db: Database.Database, key: string): Doc | null;
  /** Documents whose extracted column equals the value (or all documents), ordered by key. */
  find(db: Database.Database, where?: { column: string; value: string | number }): Doc[];
}

/**
 * Builds a {@link Projection} from an evolve function. Each batch loads the touched documents once,
 * evolves them in memory and writes each changed document once.
 */
export function documentProjection<Doc>(spec: DocumentProjectionSpec<Doc>): DocumentProjection<Doc> {
  const table = `rm_${spec.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const columns = Object.keys(spec.columns ?? {});
  const statements = new WeakMap<Database.Database, Statements>();

  interface Statements {
    get: Database.Statement;
    upsert: Database.Statement;
    remove: Database.Statement;
  }

  function prepared(db: Database.Database): Statements {
    let s = statements.get(db);
    if (!s) {
      const cols = ['key', 'doc', ...columns];
      s = {
        get: db.prepare(`SELECT doc FROM ${table} WHERE key = ?`),
        upsert: db.prepare(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
           ON CONFLICT(key) DO UPDATE SET ${cols
             .slice(1)
             .map((c) => `${c} = excluded.${c}`)
             .join(', ')}`,
        ),
        remove: db.prepare(`DELETE FROM ${table} WHERE key = ?`),
      };
      statements.set(db, s);
    }
    return s;
  }

  function read(db: Database.Database, key: string): Doc | null {
    const row = prepared(db).get.get(key) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Doc) : null;
  }

  return {
    name: spec.name,
    version: spec.version,
    eventTypes: spec.eventTypes,
    setup(db) {
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, doc TEXT NOT NULL${columns
          .map((c) => `, ${c}`)
          .join('')})`,
      );
      for (const c of columns) db.exec(`CREATE INDEX IF NOT EXISTS ${table}_${c} ON ${table} (${c}, key)`);
    },
    reset(db) {
      db.exec(`DROP TABLE IF EXISTS ${table}`);
      statements.delete(db);
      this.setup(db);
    },
    apply(events, db) {
      const touched = new Map<string, Doc | null>();
      for (const event of events) {
        for (const key of spec.keys(event)) {
          const current = touched.has(key) ? (touched.get(key) as Doc | null) : read(db, key);
          touched.set(key, spec.evolve(current, event, key));
        }
      }
      const s = prepared(db);
      for (const [key, doc] of touched) {
        if (doc === null) s.remove.run(key);
        else s.upsert.run(key, JSON.stringify(doc), ...columns.map((c) => spec.columns![c](doc)));
      }
    },
    get: read,
    find(db, where) {
      const sql = where
        ? `SELECT doc FROM ${table} WHERE ${assertColumn(where.column)} = ? ORDER BY key`
        : `SELECT doc FROM ${table} ORDER BY key`;
      const rows = (where ? db.prepare(sql).all(where.value) : db.prepare(sql).all()) as { doc: string }[];
      return rows.map((r) => JSON.parse(r.doc) as Doc);
    },
  };

  function assertColumn(column: string): string {
    if (!columns.includes(column)) throw new Error(`${spec.name} has no column ${column}`);
    return column;
  }
}
