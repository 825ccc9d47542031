import type { RecordedEvent } from '@journeys/event-store';

/**
 * A stored event as a CloudEvents 1.0 structured-mode JSON envelope (the `journeys.events` value).
 * Extension attributes carry the event metadata; their names follow the CloudEvents rule (lower-case
 * letters and digits only).
 */
export interface JourneysCloudEvent {
  specversion: '1.0';
  /** The stored event's id: stable across redelivery, so consumers can drop duplicates. */
  id: string;
  source: string;
  /** `journeys.<EventType>`, e.g. `journeys.JourneyVersionWentLive`. */
  type: string;
  /** The stream the event belongs to, e.g. `journey-<id>`. */
  subject: string;
  /** The event's `occurredAt`. */
  time: string;
  datacontenttype: 'application/json';
  data: unknown;
  correlationid: string;
  causationid: string;
  actor?: string;
  /** Global position in the event store, as a decimal string (it can exceed 2^53). */
  position: string;
  schemaversion: number;
}

/** `content-type` header of structured-mode CloudEvents over Kafka (CloudEvents Kafka binding). */
export const CLOUD_EVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

export const CLOUD_EVENT_TYPE_PREFIX = 'journeys.';

export function toCloudEvent(event: RecordedEvent, source: string): JourneysCloudEvent {
  const { metadata } = event;
  return {
    specversion: '1.0',
    id: event.id,
    source,
    type: `${CLOUD_EVENT_TYPE_PREFIX}${event.type}`,
    subject: event.streamName,
    time: metadata.occurredAt,
    datacontenttype: 'application/json',
    data: event.data,
    correlationid: metadata.correlationId,
    causationid: metadata.causationId,
    ...(metadata.actor === undefined ? {} : { actor: metadata.actor }),
    position: event.position.toString(),
    schemaversion: metadata.schemaVersion,
  };
}

/**
 * The partition key of an event on `journeys.events`: the customer for progress events (their order
 * per customer is kept), the journey for life-cycle events, else the stream (trigger definitions,
 * templates), which keeps each stream's order.
 */
export function eventKey(event: RecordedEvent): string {
  const data = event.data as Record<string, unknown> | null;
  const field = (name: string) =>
    data !== null && typeof data === 'object' && typeof data[name] === 'string' && data[name] !== ''
      ? (data[name] as string)
      : undefined;
  return field('customerId') ?? field('journeyId') ?? event.streamName;
}
