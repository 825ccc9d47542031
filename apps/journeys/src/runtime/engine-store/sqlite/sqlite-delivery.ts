import type Database from 'better-sqlite3';
import type { DeliverySettings } from '@journeys/definition';
import { NO_DELIVERY_STATE, type CustomerDelivery } from '../../rules/delivery';
import { IN_PLACEHOLDERS, inLists } from './engine-schema';

/** The delivery controls' tables in the read-model file: one row per customer with a state, one per partition for the settings. */
export function createDeliverySchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS rt_delivery (customer_id TEXT PRIMARY KEY, state TEXT NOT NULL, partition INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS rt_delivery_partition ON rt_delivery (partition);
    CREATE TABLE IF NOT EXISTS rt_settings (partition INTEGER PRIMARY KEY, settings TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS rt_actions_expiry ON rt_actions (partition, expires_at)
      WHERE status = 'pending' AND expires_at IS NOT NULL;
  `);
}

/**
 * One partition's delivery state: each customer's consents and counted sends (a JSON row per
 * customer, read in batches like profiles) and the delivery settings its inputs last set.
 */
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
      one: db.prepare('SELECT state FROM rt_delivery WHERE customer_id = ?').pluck(true),
      many: db
        .prepare(`SELECT customer_id, state FROM rt_delivery WHERE customer_id IN (${IN_PLACEHOLDERS})`)
        .raw(true),
      save: db.prepare(
        `INSERT INTO rt_delivery (customer_id, state, partition) VALUES (?, ?, ?)
         ON CONFLICT(customer_id) DO UPDATE SET state = excluded.state`,
      ),
      settings: db.prepare('SELECT settings FROM rt_settings WHERE partition = ?').pluck(true),
      saveSettings: db.prepare(
        'INSERT INTO rt_settings (partition, settings) VALUES (?, ?) ON CONFLICT(partition) DO UPDATE SET settings = excluded.settings',
      ),
      all: db.prepare('SELECT customer_id, state FROM rt_delivery WHERE partition = ?').raw(true),
    };
  }

  of(customerId: string): CustomerDelivery {
    const state = this.s.one.get(customerId) as string | undefined;
    return state === undefined ? NO_DELIVERY_STATE : (JSON.parse(state) as CustomerDelivery);
  }

  /** One statement execution per 256 customers. */
  ofCustomers(customerIds: readonly string[]): Map<string, CustomerDelivery> {
    const rows = inLists<[string, string]>(this.s.many, customerIds);
    return new Map(rows.map(([customerId, state]) => [customerId, JSON.parse(state) as CustomerDelivery]));
  }

  save(customerId: string, state: CustomerDelivery): void {
    this.s.save.run(customerId, JSON.stringify(state), this.partition);
  }

  settings(): DeliverySettings | undefined {
    const settings = this.s.settings.get(this.partition) as string | undefined;
    return settings === undefined ? undefined : (JSON.parse(settings) as DeliverySettings);
  }

  saveSettings(settings: DeliverySettings): void {
    this.s.saveSettings.run(this.partition, JSON.stringify(settings));
  }

  /** Everything of the partition, as changes (snapshots). */
  snapshot(): { deliveries: { customerId: string; state: CustomerDelivery }[]; settings: DeliverySettings[] } {
    const rows = this.s.all.all(this.partition) as [string, string][];
    const settings = this.settings();
    return {
      deliveries: rows.map(([customerId, state]) => ({ customerId, state: JSON.parse(state) as CustomerDelivery })),
      settings: settings === undefined ? [] : [settings],
    };
  }

  drop(): void {
    this.db.prepare('DELETE FROM rt_delivery WHERE partition = ?').run(this.partition);
    this.db.prepare('DELETE FROM rt_settings WHERE partition = ?').run(this.partition);
  }
}
