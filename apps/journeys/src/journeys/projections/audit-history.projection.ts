import type Database from 'better-sqlite3';
import type { Projection } from '@journeys/read-models';
import {
  AUDIT_EVENT_TYPES,
  auditedJourneys,
  evolveAudit,
  type AuditEntry,
  type AuditTracked,
} from './audit-history.fold';

export type { AuditEntry } from './audit-history.fold';

/**
 * Who did what to each journey, in order: every accepted command, every refusal (stored in the
 * journey's audit stream), every automatic move, with the state it left the journey in. What each
 * event writes is the pure fold in `audit-history.fold.ts`; this writer loads the journeys a batch
 * names once, stores the lines, and remembers the row of each journey's pending publish.
 */
export const auditHistoryProjection: Projection & {
  page(
    db: Database.Database,
    journeyId: string,
    after: number,
    limit: number,
  ): { entries: AuditEntry[]; next?: string };
} = {
  name: 'audit_history',
  // 3: the pending publish is kept as its entry (the row apart), for the pure fold.
  version: 3,
  eventTypes: AUDIT_EVENT_TYPES,
  setup(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS rm_audit_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      journey_id TEXT NOT NULL,
      entry TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS rm_audit_history_journey ON rm_audit_history (journey_id, id);
    CREATE TABLE IF NOT EXISTS rm_audit_journeys (journey_id TEXT PRIMARY KEY, tracked TEXT NOT NULL, pending_row INTEGER);`);
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS rm_audit_history; DROP TABLE IF EXISTS rm_audit_journeys;');
    this.setup(db);
  },
  apply(events, db) {
    const insert = db.prepare('INSERT INTO rm_audit_history (journey_id, entry) VALUES (?, ?)');
    const update = db.prepare('UPDATE rm_audit_history SET entry = ? WHERE id = ?');
    const readTracked = db.prepare('SELECT tracked, pending_row FROM rm_audit_journeys WHERE journey_id = ?');
    const tracked: Record<string, AuditTracked> = {};
    const pendingRows = new Map<string, number | null>();
    const load = (journeyId: string) => {
      if (pendingRows.has(journeyId)) return;
      const row = readTracked.get(journeyId) as { tracked: string; pending_row: number | null } | undefined;
      if (row) tracked[journeyId] = JSON.parse(row.tracked) as AuditTracked;
      pendingRows.set(journeyId, row?.pending_row ?? null);
    };

    for (const event of events) {
      const named = auditedJourneys(event);
      if (named.length === 0) continue;
      named.forEach(load);
      const slice = Object.fromEntries(named.filter((id) => id in tracked).map((id) => [id, tracked[id]]));
      const { state, writes } = evolveAudit(slice, event);
      Object.assign(tracked, state);
      for (const { kind, journeyId, entry } of writes) {
        const json = JSON.stringify(entry);
        const pendingRow = pendingRows.get(journeyId);
        if (kind === 'settle' && pendingRow != null) update.run(json, pendingRow);
        else {
          const row = Number(insert.run(journeyId, json).lastInsertRowid);
          if (kind === 'pending') pendingRows.set(journeyId, row);
        }
        if (kind === 'settle') pendingRows.set(journeyId, null);
      }
    }
    const save = db.prepare(
      `INSERT INTO rm_audit_journeys (journey_id, tracked, pending_row) VALUES (?, ?, ?)
       ON CONFLICT(journey_id) DO UPDATE SET tracked = excluded.tracked, pending_row = excluded.pending_row`,
    );
    for (const [journeyId, t] of Object.entries(tracked))
      save.run(journeyId, JSON.stringify(t), pendingRows.get(journeyId) ?? null);
  },
  page(db, journeyId, after, limit) {
    const rows = db
      .prepare('SELECT id, entry FROM rm_audit_history WHERE journey_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(journeyId, after, limit + 1) as { id: number; entry: string }[];
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r) => JSON.parse(r.entry) as AuditEntry),
      next: rows.length > limit ? String(page[page.length - 1].id) : undefined,
    };
  },
};
