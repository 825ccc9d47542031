import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';
import { Allow } from '../auth/roles.decorator';
import { CLOCK, type Clock } from '../common/clock';
import { ValidationFailed } from '../common/errors';
import { Ingestion, type IngestResult } from './ingestion.port';

/** Largest batch one request may carry; bigger feeds are split by the sender (or use Kafka). */
export const MAX_BATCH = 10_000;

export class MembershipRequest {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_BATCH)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  joined?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_BATCH)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  left?: string[];
}

@ApiTags('ingestion')
@ApiBearerAuth()
@Controller()
export class IngestionController {
  constructor(
    private readonly ingestion: Ingestion,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** One trigger message or an array of them; good ones are kept even when others are refused. */
  @Post('triggers')
  @HttpCode(202)
  @Allow('ingest')
  @ApiBody({ description: 'A journeys.triggers message or an array of them', schema: { type: 'object' } })
  triggers(@Body() body: unknown): Promise<IngestResult> {
    const messages = Array.isArray(body) ? body : [body];
    if (messages.length > MAX_BATCH) {
      throw new ValidationFailed([
        { code: 'TooManyMessages', path: '$', message: `at most ${MAX_BATCH} triggers per request` },
      ]);
    }
    return this.ingestion.ingestTriggers(messages);
  }

  @Post('segments/:segmentId/membership')
  @HttpCode(202)
  @Allow('ingest')
  membership(@Param('segmentId') segmentId: string, @Body() body: MembershipRequest): Promise<IngestResult> {
    const occurredAt = this.clock.now().toISOString();
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
