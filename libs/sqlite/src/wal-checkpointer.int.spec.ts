import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalCheckpointer } from './wal-checkpointer';

describe('WalCheckpointer', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A WAL database whose own connection never checkpoints, filled past the worker's threshold. */
  function open(file: string): Database.Database {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE IF NOT EXISTS t (v TEXT)');
    return db;
  }

  function fill(db: Database.Database): Database.Database {
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const payload = 'x'.repeat(4_000);
    db.transaction(() => {
      for (let i = 0; i < 6_000; i++) insert.run(payload);
    })();
    return db;
  }

  async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('copies a registered file’s WAL into the database file off the writing thread', async () => {
    const file = join(dir, 'a.sqlite');
    const db = fill(open(file));
    const before = statSync(file).size;
    const stop = WalCheckpointer.register(file);
    try {
      await until(() => statSync(file).size > before + 16 * 1024 * 1024);
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(6_000);
    } finally {
      stop();
      db.close();
    }
  });

  it('leaves a file alone once every registration is released', async () => {
    const file = join(dir, 'b.sqlite');
    const db = open(file);
    const stopFirst = WalCheckpointer.register(file);
    const stopSecond = WalCheckpointer.register(file);
    stopFirst();
    stopSecond();
    stopSecond();
    fill(db);
    const size = statSync(file).size;
    await new Promise((r) => setTimeout(r, 500));
    expect(statSync(file).size).toBe(size);
    db.close();
  });
});
