import { Controller, Get, Inject, Injectable, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Allow } from '../auth/roles.decorator';
import { ApiContract } from '../common/api-contract';
import { CLOCK, type Clock } from '../common/clock';
import { ENGINE_STORES, type EngineStores } from './engine-store/engine-store.port';

/**
 * The embedded actions output: action requests in the order they were stored. An action is handed
 * out only while it is deliverable (not cancelled by a stop, not expired); once handed out it is
 * never cancelled. Readers page with the cursor and may re-read a page (at least once).
 */
@Injectable()
export class ActionsOutbox {
  constructor(
    @Inject(ENGINE_STORES) private readonly state: EngineStores,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Hands out the named actions to an output (the Kafka forwarder): each one still deliverable is
   * marked handed and its payload returned; cancelled and expired ones come back undefined. Actions the engine
   * has stored as events but not yet committed to the outbox are waited for, so none is skipped.
   */
  async claim(actionIds: readonly string[], timeoutMs = 30_000): Promise<(string | undefined)[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const claimed = this.state.claimActions(actionIds, this.clock.now().getTime());
      if (claimed) return claimed;
      if (Date.now() > deadline) throw new Error(`Actions not in the outbox after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Returns deliverable actions after the cursor and marks them handed out, atomically. */
  take(after: number, limit: number, now: number): { actions: unknown[]; next: string } {
    return this.state.takeActions(after, limit, now);
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
