import { Injectable } from '@nestjs/common';
import type { DeadLetterProblem, DeadLetterReason } from '@journeys/messaging';
import { ReadModelStore } from '@journeys/read-models';

/** The `journeys.command-results` value. `error` is the `error` object of the REST error body. */
export type CommandResultMessage =
  | { commandId: string; ok: true; result: unknown }
  | {
      commandId: string;
      ok: false;
      error: { code: string; message: string; details: readonly unknown[] };
      /** The HTTP status the REST call would have answered. */
      status: number;
    };

/** What processing a command produced; kept so that a redelivered command is answered, not re-run. */
export interface CommandOutcome {
  result?: CommandResultMessage;
  deadLetter?: { reason: DeadLetterReason; message: string; errors?: DeadLetterProblem[] };
}

/** How long processed command ids are remembered; redeliveries come within minutes, not weeks. */
export const PROCESSED_COMMANDS_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Command ids taken from `journeys.commands` with their outcome, in the read-model store. Not a
 * projection: a rebuild of the read models leaves it alone.
 */
@Injectable()
export class ProcessedCommands {
  constructor(private readonly readModels: ReadModelStore) {
    readModels.db.exec(`CREATE TABLE IF NOT EXISTS kafka_processed_commands (
      command_id TEXT PRIMARY KEY,
      outcome TEXT NOT NULL,
      processed_at INTEGER NOT NULL
    )`);
  }

  get(commandId: string): CommandOutcome | undefined {
    const row = this.readModels.db
      .prepare('SELECT outcome FROM kafka_processed_commands WHERE command_id = ?')
      .get(commandId) as { outcome: string } | undefined;
    return row ? (JSON.parse(row.outcome) as CommandOutcome) : undefined;
  }

  save(commandId: string, outcome: CommandOutcome, at: Date): void {
    this.readModels.db
      .prepare(
        `INSERT INTO kafka_processed_commands (command_id, outcome, processed_at) VALUES (?, ?, ?)
         ON CONFLICT(command_id) DO NOTHING`,
      )
      .run(commandId, JSON.stringify(outcome), at.getTime());
  }

  /** Forgets ids older than the retention; returns how many were dropped. */
  prune(now: Date): number {
    return this.readModels.db
      .prepare('DELETE FROM kafka_processed_commands WHERE processed_at < ?')
      .run(now.getTime() - PROCESSED_COMMANDS_RETENTION_MS).changes;
  }
}
