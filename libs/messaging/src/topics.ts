/**
 * The Kafka topics of the public contract (CONTRACT section 4). Names are configurable; these are
 * the roles the service gives them and the names used when nothing is configured.
 */
export interface TopicNames {
  /** In: `{ id, trigger, customerId, occurredAt, attributes, bindingId? }`, key customerId. */
  triggers: string;
  /** In: `{ id?, segmentId, customerId, change, occurredAt }`, key customerId. */
  segments: string;
  /** In: `{ id?, customerId, channel, topic?, status, occurredAt }`, key customerId. */
  consent: string;
  /** In: `{ commandId, type, journeyId?, version?, payload, actor }`, key journeyId or commandId. */
  commands: string;
  /** Out: `{ commandId, ok, result?, error? }`, key commandId. */
  commandResults: string;
  /** Out: every stored event as a CloudEvents 1.0 structured JSON envelope. */
  events: string;
  /** Out: action requests, key customerId. */
  actions: string;
  /** Out: messages that can never be processed, with their origin and the reason. */
  deadLetter: string;
}

export type TopicRole = keyof TopicNames;

export const DEFAULT_TOPICS: Readonly<TopicNames> = {
  triggers: 'journeys.triggers',
  segments: 'journeys.segments',
  consent: 'journeys.consent',
  commands: 'journeys.commands',
  commandResults: 'journeys.command-results',
  events: 'journeys.events',
  actions: 'journeys.actions',
  deadLetter: 'journeys.dead-letter',
};

export const TOPIC_ROLES = Object.keys(DEFAULT_TOPICS) as TopicRole[];

/** Kafka's own rule for topic names. */
export const TOPIC_NAME_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;

/** Largest inbound message value the consumers accept; larger ones are dead letters. */
export const MAX_INBOUND_MESSAGE_BYTES = 1024 * 1024;
