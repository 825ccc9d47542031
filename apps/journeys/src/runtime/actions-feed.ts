import { Controller, Get, Inject, Injectable, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Allow } from '../auth/roles.decorator';
import { CLOCK, type Clock } from '../common/clock';
import { ENGINE_STORES, type EngineStores } from './engine-store/engine-store.port';

/**
 * The embedded actions output: action requests in the order they were stored. An action is handed
 * out only while it is deliverable (not cancelled by a stop, not expired); once handed out it is
 * never cancelled. Readers page with the cursor and may re-read a page (at least once).
 */
@Injectable()
export class ActionsOutbox {
  constructor(@Inject(ENGINE_STORES) private readonly state: EngineStores) {}

  /**
   * Hands out the named actions to an output (the Kafka forwarder): each one still deliverable is
   * marked handed and its payload returned; cancelled ones come back undefined. Actions the engine
   * has stored as events but not yet committed to the outbox are waited for, so none is skipped.
   */
  async claim(actionIds: readonly string[], timeoutMs = 30_000): Promise<(string | undefined)[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const claimed = this.state.claimActions(actionIds);
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
  after?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

@ApiTags('ingestion')
@ApiBearerAuth()
@Controller('actions')
export class ActionsController {
  constructor(
    private readonly outbox: ActionsOutbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Allow('ingest')
  list(@Query() query: ActionsQuery) {
    return this.outbox.take(query.after ?? 0, query.limit ?? 100, this.clock.now().getTime());
  }
}
