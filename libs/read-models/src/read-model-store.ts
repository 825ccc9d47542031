import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, WalCheckpointer } from '@journeys/sqlite';

/**
 * The SQLite file that holds every read model (journey state, audit history, analytics, the timer
 * index) and their checkpoints. It is separate from the embedded event store and used in both modes:
 * everything in it can be dropped and rebuilt from the event store.
 */
export class ReadModelStore {
  private readonly statements: ReturnType<typeof prepareCheckpoints>;

  private readonly stopCheckpointing: () => void;

  private constructor(readonly db: Database.Database) {
    this.statements = prepareCheckpoints(db);
    this.stopCheckpointing = WalCheckpointer.register(db.name);
  }

  static open(file: string): ReadModelStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // NORMAL is enough: the checkpoint commits with the read model, so a lost tail is replayed.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // Checkpoints run on the checkpointer's thread; this threshold is only its backstop.
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    db.exec(`CREATE TABLE IF NOT EXISTS rm_checkpoints (
      name TEXT PRIMARY KEY,
      position TEXT NOT NULL,
      version INTEGER NOT NULL
    )`);
    return new ReadModelStore(db);
  }

  /** The position a projection has processed up to, or undefined when it has processed nothing. */
  checkpoint(name: string): { position: bigint; version: number } | undefined {
    const row = this.statements.read.get(name) as { position: string; version: number } | undefined;
    return row ? { position: BigInt(row.position), version: row.version } : undefined;
  }

  saveCheckpoint(name: string, position: bigint, version: number): void {
    this.statements.save.run(name, position.toString(), version);
  }

  deleteCheckpoint(name: string): void {
    this.statements.remove.run(name);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.stopCheckpointing();
  }
}

/** Checkpoint statements, prepared once: they run on every batch of every consumer. */
function prepareCheckpoints(db: Database.Database) {
  return {
    read: db.prepare('SELECT position, version FROM rm_checkpoints WHERE name = ?'),
    save: db.prepare(
      `INSERT INTO rm_checkpoints (name, position, version) VALUES (?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET position = excluded.position, version = excluded.version`,
    ),
    remove: db.prepare('DELETE FROM rm_checkpoints WHERE name = ?'),
  };
}
