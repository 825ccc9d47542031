import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { MAX_INTAKE_BATCH } from '@journeys/contract';
import { Allow } from '../auth/roles.decorator';
import { ApiContract, PARAMS } from '../common/api-contract';
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

@Controller()
export class IngestionController {
  constructor(
    private readonly ingestion: Ingestion,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * One trigger message or a list. A body that is neither is a 400; each message is then checked on
   * its own (its shape, then its trigger definition), as on Kafka: refused ones are listed with every
   * problem, the others kept.
   */
  @Post('triggers')
  @HttpCode(202)
  @Allow('ingest')
  @ApiContract({
    tag: 'ingestion',
    summary: 'Send triggers',
    description:
      'One trigger message or a list of up to 10,000. A body that is neither an object nor a list of 1 to 10,000 objects is refused whole (400). Each message is then checked on its own, its shape (TriggerMessage) and its trigger definition: refused ones are listed in `refused` with every problem (paths such as `$.occurredAt` inside the message), the others stored. A message id seen before with the same content is a duplicate: accepted and ignored; with other content it is refused (IdempotencyKeyReused).',
    roles: ['ingest'],
    body: {
      schema: 'TriggerBatch',
      example: [
        {
          id: 'evt-1',
          trigger: 'signed-up',
          customerId: 'ann',
          occurredAt: '2026-12-01T09:00:00Z',
          attributes: { plan: 'pro' },
        },
      ],
    },
    ok: {
      status: 202,
      schema: 'IntakeResult',
      description: 'Every message counted once: accepted, duplicate or refused',
    },
    writes: true,
  })
  triggers(@Body(new SchemaBodyPipe('trigger-request.json')) body: unknown): Promise<IngestResult> {
    return this.ingestion.ingestTriggers(Array.isArray(body) ? body : [body]);
  }

  /**
   * One consent record or a list, checked like triggers: a body that is neither is a 400; each record
   * is then checked on its own (`consent-message.json`), as on Kafka: refused ones are listed with
   * every problem, the others stored in their customer's stream.
   */
  @Post('consent')
  @HttpCode(202)
  @Allow('ingest')
  @ApiContract({
    tag: 'ingestion',
    summary: 'Send consent records',
    description:
      "One consent record or a list of up to 10,000: a customer opted in to or out of a channel, or a topic on it. A body that is neither an object nor a list of 1 to 10,000 objects is refused whole (400); each record is then checked on its own (ConsentMessage): refused ones are listed in `refused` with every problem, the others stored. The engine keeps each channel's and topic's latest record by occurredAt, whatever order they arrive in, and reads them when a send would go out (docs/delivery-controls.md). A record id seen before with the same content is a duplicate.",
    roles: ['ingest'],
    body: {
      schema: 'ConsentBatch',
      example: [
        {
          id: 'consent-1',
          customerId: 'ann',
          channel: 'email',
          topic: 'newsletter',
          status: 'optedIn',
          occurredAt: '2026-12-01T09:00:00Z',
        },
      ],
    },
    ok: { status: 202, schema: 'IntakeResult', description: 'Every record counted once' },
    writes: true,
  })
  consent(@Body(new SchemaBodyPipe('consent-request.json')) body: unknown): Promise<IngestResult> {
    return this.ingestion.ingestConsent(Array.isArray(body) ? body : [body]);
  }

  @Post('segments/:segmentId/membership')
  @HttpCode(202)
  @Allow('ingest')
  @ApiContract({
    tag: 'ingestion',
    summary: 'Send segment membership changes',
    description:
      "Customers who joined and left the segment, all at `occurredAt` (the time of receipt when absent). Each change is stored in its customer's stream.",
    roles: ['ingest'],
    params: { segmentId: PARAMS.segmentId },
    body: {
      schema: 'MembershipRequest',
      example: { joined: ['ann', 'bob'], left: ['cid'], occurredAt: '2026-12-01T09:00:00Z' },
    },
    ok: { status: 202, schema: 'IntakeResult', description: 'Every change counted once' },
    writes: true,
  })
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
    return this.ingestion.ingestSegmentChanges(
      [...(body.joined ?? []).map(change('joined')), ...(body.left ?? []).map(change('left'))],
      { shapeChecked: true },
    );
  }
}
