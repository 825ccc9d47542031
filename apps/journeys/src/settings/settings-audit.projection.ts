import type Database from 'better-sqlite3';
import type { Projection } from '@journeys/read-models';
import {
  DELIVERY_SETTINGS_CHANGED,
  SETTINGS_CHANGE_REFUSED,
  type DeliverySettingsChanged,
  type SettingsChangeRefused,
} from './delivery-settings.decider';

/** One line of `GET /settings/audit-history`. */
export interface SettingsAuditEntry {
  at: string;
  actor: string;
  action: 'changeSettings';
  outcome: 'accepted' | 'refused';
  /** The settings' revision after an accepted change (send it as If-Match). */
  revision?: number;
  details: Record<string, unknown>;
}

/** Who changed the delivery settings, when and how, and every change refused (400, 412), oldest first. */
export const settingsAuditProjection: Projection & {
  page(db: Database.Database, after: number, limit: number): { entries: SettingsAuditEntry[]; next?: string };
} = {
  name: 'settings_audit',
  version: 1,
  eventTypes: [DELIVERY_SETTINGS_CHANGED, SETTINGS_CHANGE_REFUSED],
  setup(db) {
    db.exec('CREATE TABLE IF NOT EXISTS rm_settings_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)');
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS rm_settings_audit');
    this.setup(db);
  },
  apply(events, db) {
    const insert = db.prepare('INSERT INTO rm_settings_audit (entry) VALUES (?)');
    for (const event of events) {
      const base = {
        at: event.metadata.occurredAt,
        actor: event.metadata.actor ?? 'unknown',
        action: 'changeSettings',
      };
      let entry: SettingsAuditEntry;
      if (event.type === DELIVERY_SETTINGS_CHANGED) {
        const { settings, changed } = (event as unknown as DeliverySettingsChanged).data;
        entry = {
          ...base,
          action: 'changeSettings',
          outcome: 'accepted',
          revision: event.revision,
          details: { changed, settings },
        };
      } else if (event.type === SETTINGS_CHANGE_REFUSED) {
        const { error } = (event as unknown as SettingsChangeRefused).data;
        entry = { ...base, action: 'changeSettings', outcome: 'refused', details: { error } };
      } else continue;
      insert.run(JSON.stringify(entry));
    }
  },
  page(db, after, limit) {
    const rows = db
      .prepare('SELECT id, entry FROM rm_settings_audit WHERE id > ? ORDER BY id LIMIT ?')
      .all(after, limit + 1) as { id: number; entry: string }[];
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r) => JSON.parse(r.entry) as SettingsAuditEntry),
      next: rows.length > limit ? String(page[page.length - 1].id) : undefined,
    };
  },
};
