import type Database from 'better-sqlite3';
import type { ExpiredAction, OutboxAction, UndeliveredAction } from '../engine-store.port';

/**
 * The actions outbox in the read-model file: action requests in the order they were stored. An
 * action is handed out only while it is deliverable (not cancelled by a stop, not expired); once
 * handed out it is never cancelled.
 */
export class SqliteOutbox {
  private readonly s: ReturnType<SqliteOutbox['prepare']>;

  constructor(
    private readonly db: Database.Database,
    private readonly partition = 0,
  ) {
    this.s = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      add: db.prepare(
        `INSERT OR IGNORE INTO rt_actions (action_id, instance_id, journey_id, version, customer_id, status, expires_at, payload, partition)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      ),
      setStatus: db.prepare('UPDATE rt_actions SET status = ? WHERE action_id = ?'),
      undeliveredOfVersion: db.prepare(
        "SELECT action_id, instance_id, payload FROM rt_actions WHERE journey_id = ? AND version = ? AND partition = ? AND status IN ('pending', 'cancelling') LIMIT ?",
      ),
      byIds: db.prepare(
        'SELECT action_id, status, expires_at, payload FROM rt_actions WHERE action_id IN (SELECT value FROM json_each(?))',
      ),
      handIds: db.prepare(
        `UPDATE rt_actions SET status = 'handed' WHERE action_id IN (SELECT value FROM json_each(?)) AND status = 'pending'
           AND (expires_at IS NULL OR expires_at > ?)`,
      ),
      // The partial index rt_actions_expiry (sqlite-delivery.ts) serves both.
      expired: db.prepare(
        `SELECT action_id, instance_id, payload, expires_at FROM rt_actions
         WHERE partition = ? AND status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?`,
      ),
      nextExpiry: db
        .prepare(
          "SELECT MIN(expires_at) FROM rt_actions WHERE partition = ? AND status = 'pending' AND expires_at IS NOT NULL",
        )
        .pluck(true),
      after: db.prepare(
        `SELECT seq, action_id, status, expires_at, payload FROM rt_actions
         WHERE seq > ? AND status IN ('pending', 'handed') ORDER BY seq LIMIT ?`,
      ),
      hand: db.prepare("UPDATE rt_actions SET status = 'handed' WHERE action_id = ? AND status = 'pending'"),
    };
  }

  add(action: OutboxAction): void {
    const { actionId, instanceId, journeyId, version, customerId, expiresAt, payload } = action;
    this.s.add.run(actionId, instanceId, journeyId, version, customerId, expiresAt ?? null, payload, this.partition);
  }

  /** Deletes the partition's actions (it moved to another instance). */
  drop(): void {
    this.db.prepare('DELETE FROM rt_actions WHERE partition = ?').run(this.partition);
  }

  setStatus(actionId: string, status: 'cancelling' | 'cancelled' | 'handed'): void {
    this.s.setStatus.run(status, actionId);
  }

  undeliveredOfVersion(journeyId: string, version: number, limit: number): UndeliveredAction[] {
    const rows = this.s.undeliveredOfVersion.all(journeyId, version, this.partition, limit) as {
      action_id: string;
      instance_id: string;
      payload: string;
    }[];
    return rows.map((r) => ({ actionId: r.action_id, instanceId: r.instance_id, payload: r.payload }));
  }

  /**
   * One transaction and two statements for the whole batch (the forwarder claims ~80 actions per
   * round). An action past its expiry is not handed out; the engine cancels it (reason Expired).
   */
  claim(actionIds: readonly string[], now: number): (string | undefined)[] | undefined {
    const ids = JSON.stringify(actionIds);
    return this.db.transaction(() => {
      const rows = this.s.byIds.all(ids) as {
        action_id: string;
        status: string;
        expires_at: number | null;
        payload: string;
      }[];
      const byId = new Map(rows.map((row) => [row.action_id, row]));
      if (byId.size < new Set(actionIds).size) return undefined;
      this.s.handIds.run(ids, now);
      return actionIds.map((id) => {
        const row = byId.get(id)!;
        if (row.status === 'handed') return row.payload;
        const expired = row.expires_at !== null && row.expires_at <= now;
        return row.status === 'pending' && !expired ? row.payload : undefined;
      });
    })();
  }

  /** The partition's actions not handed out by their expiry, earliest first. */
  expired(now: number, limit: number): ExpiredAction[] {
    const rows = this.s.expired.all(this.partition, now, limit) as {
      action_id: string;
      instance_id: string;
      payload: string;
      expires_at: number;
    }[];
    return rows.map((r) => ({
      actionId: r.action_id,
      instanceId: r.instance_id,
      payload: r.payload,
      expiresAt: r.expires_at,
    }));
  }

  /** The earliest expiry of an action of the partition not handed out yet (ms). */
  nextExpiry(): number | undefined {
    return (this.s.nextExpiry.get(this.partition) as number | null) ?? undefined;
  }

  take(after: number, limit: number, now: number): { actions: unknown[]; next: string } {
    return this.db.transaction(() => {
      const rows = this.s.after.all(after, limit) as {
        seq: number;
        action_id: string;
        status: string;
        expires_at: number | null;
        payload: string;
      }[];
      const actions: unknown[] = [];
      for (const row of rows) {
        if (row.status === 'pending' && row.expires_at !== null && row.expires_at <= now) continue;
        this.s.hand.run(row.action_id);
        actions.push(JSON.parse(row.payload));
      }
      const next = rows.length ? rows[rows.length - 1].seq : after;
      return { actions, next: String(next) };
    })();
  }
}
