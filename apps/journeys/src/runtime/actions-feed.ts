import { Controller, Get, Inject, Injectable, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ReadModelStore } from '@journeys/read-models';
import { Allow } from '../auth/roles.decorator';
import { ApiContract } from '../common/api-contract';
import { CLOCK, type Clock } from '../common/clock';

/**
 * The embedded actions output: action requests in the order they were stored. An action is handed
 * out only while it is deliverable (not cancelled by a stop, not expired); once handed out it is
 * never cancelled. Readers page with the cursor and may re-read a page (at least once).
 */
@Injectable()
export class ActionsOutbox {
  constructor(private readonly readModels: ReadModelStore) {}

  /**
   * Hands out the named actions to an output (the Kafka forwarder): each one still deliverable is
   * marked handed and its payload returned; cancelled ones come back undefined. Actions the engine
   * has stored as events but not yet committed to the outbox are waited for, so none is skipped.
   */
  async claim(actionIds: readonly string[], timeoutMs = 30_000): Promise<(string | undefined)[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const claimed = this.tryClaim(actionIds);
      if (claimed) return claimed;
      if (Date.now() > deadline) throw new Error(`Actions not in the outbox after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * One transaction and two statements for the whole batch (the forwarder claims ~80 actions per
   * round): undefined, with nothing marked, while any of them is not in the outbox yet.
   */
  private tryClaim(actionIds: readonly string[]): (string | undefined)[] | undefined {
    const db = this.readModels.db;
    const ids = JSON.stringify(actionIds);
    const read = db.prepare(
      'SELECT action_id, status, payload FROM rt_actions WHERE action_id IN (SELECT value FROM json_each(?))',
    );
    const hand = db.prepare(
      `UPDATE rt_actions SET status = 'handed'
       WHERE action_id IN (SELECT value FROM json_each(?)) AND status = 'pending'`,
    );
    return db.transaction(() => {
      const rows = read.all(ids) as { action_id: string; status: string; payload: string }[];
      const byId = new Map(rows.map((row) => [row.action_id, row]));
      if (byId.size < new Set(actionIds).size) return undefined;
      hand.run(ids);
      return actionIds.map((id) => {
        const row = byId.get(id)!;
        return row.status === 'pending' || row.status === 'handed' ? row.payload : undefined;
      });
    })();
  }

  /** Returns deliverable actions after the cursor and marks them handed out, atomically. */
  take(after: number, limit: number, now: number): { actions: unknown[]; next: string } {
    const db = this.readModels.db;
    return db.transaction(() => {
      const rows = db
        .prepare(
          `SELECT seq, action_id, status, expires_at, payload FROM rt_actions
           WHERE seq > ? AND status IN ('pending', 'handed') ORDER BY seq LIMIT ?`,
        )
        .all(after, limit) as {
        seq: number;
        action_id: string;
        status: string;
        expires_at: number | null;
        payload: string;
      }[];
      const hand = db.prepare("UPDATE rt_actions SET status = 'handed' WHERE action_id = ? AND status = 'pending'");
      const actions: unknown[] = [];
      for (const row of rows) {
        if (row.status === 'pending' && row.expires_at !== null && row.expires_at <= now) continue;
        hand.run(row.action_id);
        actions.push(JSON.parse(row.payload));
      }
      const next = rows.length ? rows[rows.length - 1].seq : after;
      return { actions, next: String(next) };
    })();
  }
}

export class ActionsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

@Controller('actions')
export class ActionsController {
  constructor(
    private readonly outbox: ActionsOutbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Allow('ingest')
  @ApiContract({
    tag: 'ingestion',
    summary: 'Take action requests',
    description:
      'The embedded actions output: deliverable actions after the cursor, in the order they were stored, marked handed out (a stop no longer cancels them). Read on with `after` = `next`; a page may be read again (at least once).',
    roles: ['ingest'],
    query: {
      after: {
        description: 'The `next` of the previous page (default 0)',
        schema: { type: 'integer', minimum: 0, maximum: 9007199254740991 },
      },
      limit: { description: 'Actions per page (default 100)', schema: { type: 'integer', minimum: 1, maximum: 10000 } },
    },
    ok: { status: 200, schema: 'ActionsPage', description: 'One page of actions' },
    writes: true,
  })
  list(@Query() query: ActionsQuery) {
    return this.outbox.take(query.after ?? 0, query.limit ?? 100, this.clock.now().getTime());
  }
}
