import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type NewEvent } from '@journeys/event-store';
import { ProjectionRunner, ReadModelStore } from '@journeys/read-models';
import { CLOCK, type Clock } from '../common/clock';
import { SCHEMA_VERSION } from '../common/command-context';
import { JourneysMetrics } from '../metrics/journeys-metrics';
import { triggerDefinitionsProjection } from '../trigger-definitions/trigger-definitions.projection';
import { consentEventId, customerStream, segmentEventId, triggerEventId } from './customer.events';
import { differingFields, keyReused } from './idempotency';
import { Ingestion, type IngestResult, type Refusal } from './ingestion.port';
import {
  validateConsent,
  validateSegmentChange,
  validateTriggerMessage,
  type KnownTrigger,
} from './trigger-message.validation';

/** A message that passed validation, about to be stored as an event. */
interface Accepted {
  index: number;
  /** The message id, when it has one: the idempotency key (see idempotency.ts). */
  id?: string;
  kind: 'trigger' | 'segment change' | 'consent record';
  stream: string;
  event: NewEvent;
}

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
    @Optional() private readonly metrics?: JourneysMetrics,
  ) {
    super();
  }

  async ingestTriggers(messages: readonly unknown[]): Promise<IngestResult> {
    const known = this.knownTriggers();
    const refused: Refusal[] = [];
    const accepted: Accepted[] = [];
    const receivedAt = this.clock.now().toISOString();
    messages.forEach((input, index) => {
      const result = validateTriggerMessage(input, known);
      if (!result.ok) {
        refused.push({ index, id: result.id, errors: result.errors });
        return;
      }
      const { message } = result;
      accepted.push({
        index,
        id: message.id,
        kind: 'trigger',
        stream: customerStream(message.customerId),
        event: this.event(triggerEventId(message.id), 'TriggerReceived', { ...message, receivedAt }, receivedAt),
      });
    });
    const result = await this.persist(accepted, refused);
    if (this.metrics) count(this.metrics.triggers, result);
    return result;
  }

  async ingestSegmentChanges(
    messages: readonly unknown[],
    options: { shapeChecked?: boolean } = {},
  ): Promise<IngestResult> {
    const refused: Refusal[] = [];
    const accepted: Accepted[] = [];
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
        index,
        id: message.id,
        kind: 'segment change',
        stream: customerStream(message.customerId),
        event: this.event(id, 'SegmentMembershipChanged', { ...message, receivedAt }, receivedAt),
      });
    });
    const result = await this.persist(accepted, refused);
    if (this.metrics) count(this.metrics.segmentChanges, result);
    return result;
  }

  /**
   * Consent records into their customer's stream (`ConsentChanged`), read by the engine when a send
   * would go out. A record with an id is stored once (the idempotency rule, as for segment changes).
   */
  async ingestConsent(messages: readonly unknown[], options: { shapeChecked?: boolean } = {}): Promise<IngestResult> {
    const refused: Refusal[] = [];
    const accepted: Accepted[] = [];
    const receivedAt = this.clock.now().toISOString();
    messages.forEach((input, index) => {
      const result = validateConsent(input, options.shapeChecked);
      if (!result.ok) {
        refused.push({ index, id: result.id, errors: result.errors });
        return;
      }
      const { message } = result;
      const id = message.id === undefined ? randomUUID() : consentEventId(message.id);
      accepted.push({
        index,
        id: message.id,
        kind: 'consent record',
        stream: customerStream(message.customerId),
        event: this.event(id, 'ConsentChanged', { ...message, receivedAt }, receivedAt),
      });
    });
    const result = await this.persist(accepted, refused);
    if (this.metrics) count(this.metrics.consent, result);
    return result;
  }

  /**
   * Appends every accepted message, applying the idempotency rule (idempotency.ts): a message whose
   * id the customer's stream (or this batch) already holds is a duplicate when its content is the
   * same and refused when it differs. Only when the store reports ids it already held is the stream
   * read back, so the common path costs no read.
   */
  private async persist(items: readonly Accepted[], refused: Refusal[]): Promise<IngestResult> {
    const byStream = new Map<string, Accepted[]>();
    const first = new Map<string, Accepted>();
    let duplicates = 0;
    for (const item of items) {
      const earlier = first.get(`${item.stream}\u0000${item.event.id}`);
      if (earlier) {
        if (this.conflict(earlier.event.data, item, refused) === false) duplicates += 1;
        continue;
      }
      first.set(`${item.stream}\u0000${item.event.id}`, item);
      const list = byStream.get(item.stream);
      if (list) list.push(item);
      else byStream.set(item.stream, [item]);
    }
    const appended = await Promise.all(
      [...byStream].map(async ([stream, list]) => {
        const result = await this.store.append(
          stream,
          list.map((item) => item.event),
          { expectedRevision: 'any' },
        );
        return { stream, list, written: result.written };
      }),
    );
    let accepted = 0;
    for (const { stream, list, written } of appended) {
      accepted += written;
      if (written === list.length) continue;
      const stored = new Map((await this.store.readStream(stream)).map((event) => [event.id, event.data]));
      for (const item of list) {
        const data = stored.get(item.event.id);
        if (data !== undefined && this.conflict(data, item, refused) === false) duplicates += 1;
      }
      // The messages just written read back as themselves (no conflict, no duplicate): uncount them.
      duplicates -= written;
    }
    refused.sort((a, b) => a.index - b.index);
    return { accepted, duplicates, refused };
  }

  /** Refuses `item` when it reuses the id of `stored` with other content; false when it is the same. */
  private conflict(stored: unknown, item: Accepted, refused: Refusal[]): boolean {
    const fields = differingFields(stored as Record<string, unknown>, item.event.data as Record<string, unknown>);
    if (fields.length === 0 || item.id === undefined) return false;
    refused.push({ index: item.index, id: item.id, errors: [keyReused(item.kind, item.id, fields)] });
    return true;
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

/** Adds a batch's outcomes to an intake counter of `/metrics`. */
function count(counter: JourneysMetrics['triggers'], result: IngestResult): void {
  if (result.accepted) counter.inc({ outcome: 'accepted' }, result.accepted);
  if (result.duplicates) counter.inc({ outcome: 'duplicate' }, result.duplicates);
  if (result.refused.length) counter.inc({ outcome: 'refused' }, result.refused.length);
}
