import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MAX_INTAKE_BATCH } from '@journeys/contract';
import { Allow } from '../auth/roles.decorator';
import { CLOCK, type Clock } from '../common/clock';
import { SchemaBody, SchemaBodyPipe } from '../common/schema-body';
import { Ingestion, type IngestResult } from './ingestion.port';

/** Largest batch one request may carry; bigger feeds are split by the sender (or use Kafka). */
export const MAX_BATCH = MAX_INTAKE_BATCH;

/** Schema `membership-request.json`. */
export interface MembershipRequest {
  joined?: string[];
  left?: string[];
  /** When the changes happened; the time of receipt when absent. */
  occurredAt?: string | null;
}

@ApiTags('ingestion')
@ApiBearerAuth()
@Controller()
export class IngestionController {
  constructor(
    private readonly ingestion: Ingestion,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * One trigger message or a list. A request of the wrong shape is a 400 listing every problem;
   * messages of the right shape are then checked against their trigger definitions one by one: the
   * refused ones are listed, the others kept.
   */
  @Post('triggers')
  @HttpCode(202)
  @Allow('ingest')
  triggers(@Body(new SchemaBodyPipe('trigger-batch.json')) body: unknown): Promise<IngestResult> {
    return this.ingestion.ingestTriggers(Array.isArray(body) ? body : [body]);
  }

  @Post('segments/:segmentId/membership')
  @HttpCode(202)
  @Allow('ingest')
  membership(
    @Param('segmentId') segmentId: string,
    @SchemaBody('membership-request.json') body: MembershipRequest,
  ): Promise<IngestResult> {
    const occurredAt = body.occurredAt ?? this.clock.now().toISOString();
    const change = (change: 'joined' | 'left') => (customerId: string) => ({
      segmentId,
      customerId,
      change,
      occurredAt,
    });
    return this.ingestion.ingestSegmentChanges([
      ...(body.joined ?? []).map(change('joined')),
      ...(body.left ?? []).map(change('left')),
    ]);
  }
}
