import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EventStore, NewEvent } from '@journeys/event-store';
import { ProjectionRunner, ReadModelStore } from '@journeys/read-models';
import { CLOCK, type Clock } from '../common/clock';
import { SCHEMA_VERSION } from '../common/command-context';
import { EVENT_STORE } from '../infrastructure/storage.module';
import { triggerDefinitionsProjection } from '../trigger-definitions/trigger-definitions.projection';
import { customerStream, segmentEventId, triggerEventId } from './customer.events';
import { Ingestion, type IngestResult, type Refusal } from './ingestion.port';
import { validateSegmentChange, validateTriggerMessage, type KnownTrigger } from './trigger-message.validation';

/**
 * Validates messages one by one and stores the good ones as events in their customer's stream.
 * All appends of a batch are issued together, so the event store commits them in one transaction.
 */
@Injectable()
export class IngestionService extends Ingestion {
  private triggers: { position: bigint; map: ReadonlyMap<string, KnownTrigger> } | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async ingestTriggers(messages: readonly unknown[], options: { shapeChecked?: boolean } = {}): Promise<IngestResult> {
    const known = this.knownTriggers();
    const refused: Refusal[] = [];
    const accepted: { stream: string; event: NewEvent }[] = [];
    const receivedAt = this.clock.now().toISOString();
    messages.forEach((input, index) => {
      const result = validateTriggerMessage(input, known, options.shapeChecked);
      if (!result.ok) {
        refused.push({ index, id: result.id, errors: result.errors });
        return;
      }
      const { message } = result;
      accepted.push({
        stream: customerStream(message.customerId),
        event: this.event(triggerEventId(message.id), 'TriggerReceived', { ...message, receivedAt }, receivedAt),
      });
    });
    return { ...(await this.persist(accepted)), refused };
  }

  async ingestSegmentChanges(
    messages: readonly unknown[],
    options: { shapeChecked?: boolean } = {},
  ): Promise<IngestResult> {
    const refused: Refusal[] = [];
    const accepted: { stream: string; event: NewEvent }[] = [];
    const receivedAt = this.clock.now().toISOString();
    messages.forEach((input, index) => {
      const result = validateSegmentChange(input, options.shapeChecked);
      if (!result.ok) {
        refused.push({ index, id: result.id, errors: result.errors });
        return;
      }
      const { message } = result;
      const id = message.id === undefined ? randomUUID() : segmentEventId(message.id);
      accepted.push({
        stream: customerStream(message.customerId),
        event: this.event(id, 'SegmentMembershipChanged', { ...message, receivedAt }, receivedAt),
      });
    });
    return { ...(await this.persist(accepted)), refused };
  }

  /** Appends every accepted message; one whose event id is stored already (or repeated in the batch) is a duplicate. */
  private async persist(items: readonly { stream: string; event: NewEvent }[]): Promise<Omit<IngestResult, 'refused'>> {
    const byStream = new Map<string, NewEvent[]>();
    const seen = new Set<string>();
    for (const { stream, event } of items) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      const list = byStream.get(stream);
      if (list) list.push(event);
      else byStream.set(stream, [event]);
    }
    const results = await Promise.all(
      [...byStream].map(([stream, events]) => this.store.append(stream, events, { expectedRevision: 'any' })),
    );
    const written = results.reduce((sum, r) => sum + r.written, 0);
    return { accepted: written, duplicates: items.length - written };
  }

  private event(id: string, type: string, data: unknown, occurredAt: string): NewEvent {
    return {
      id,
      type,
      data,
      metadata: { occurredAt, correlationId: id, causationId: id, actor: 'ingestion', schemaVersion: SCHEMA_VERSION },
    };
  }

  /** Trigger definitions, re-read only when the read models have moved. */
  private knownTriggers(): ReadonlyMap<string, KnownTrigger> {
    const position = this.projections.status().position;
    if (!this.triggers || this.triggers.position !== position) {
      const map = new Map(
        triggerDefinitionsProjection
          .find(this.readModels.db)
          .map((t) => [t.name, { state: t.status, attributes: t.attributes }] as const),
      );
      this.triggers = { position, map };
    }
    return this.triggers.map;
  }
}
