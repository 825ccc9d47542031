import type Database from 'better-sqlite3';
import type { DeliverySettings } from '@journeys/definition';

/** The delivery controls' tables in the read-model file: one row per partition for the settings. */
export function createDeliverySchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS rt_settings (partition INTEGER PRIMARY KEY, settings TEXT NOT NULL);
  `);
}

/** One partition's delivery state: the delivery settings its inputs last set. */
export class SqliteDelivery {
  private readonly s: ReturnType<SqliteDelivery['prepare']>;

  constructor(
    private readonly db: Database.Database,
    private readonly partition: number,
  ) {
    this.s = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      settings: db.prepare('SELECT settings FROM rt_settings WHERE partition = ?').pluck(true),
      saveSettings: db.prepare(
        'INSERT INTO rt_settings (partition, settings) VALUES (?, ?) ON CONFLICT(partition) DO UPDATE SET settings = excluded.settings',
      ),
    };
  }

  settings(): DeliverySettings | undefined {
    const settings = this.s.settings.get(this.partition) as string | undefined;
    return settings === undefined ? undefined : (JSON.parse(settings) as DeliverySettings);
  }

  saveSettings(settings: DeliverySettings): void {
    this.s.saveSettings.run(this.partition, JSON.stringify(settings));
  }

  /** Everything of the partition, as changes (snapshots). */
  snapshot(): { settings: DeliverySettings[] } {
    const settings = this.settings();
    return { settings: settings === undefined ? [] : [settings] };
  }

  drop(): void {
    this.db.prepare('DELETE FROM rt_settings WHERE partition = ?').run(this.partition);
  }
}
