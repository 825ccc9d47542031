import type { Channel, ConsentStatus } from '@journeys/definition';
import type { ProblemDetail } from '../common/errors';

/** `journeys.triggers` / `POST /triggers` message (CONTRACT section 4). */
export interface TriggerMessage {
  /** Unique; makes delivery idempotent. */
  id: string;
  trigger: string;
  customerId: string;
  occurredAt: string;
  attributes: Record<string, unknown>;
  bindingId?: string;
}

/**
 * A stored trigger: the message as received, and for a trigger a journey raised (`activateTrigger`)
 * how many raised triggers led to it at one instant (runtime/rules/loop-guard.ts).
 */
export type ReceivedTrigger = TriggerMessage & { receivedAt: string; chain?: number };

/** `journeys.segments` / `POST /segments/{id}/membership` change. */
export interface SegmentChangeMessage {
  id?: string;
  segmentId: string;
  customerId: string;
  change: 'joined' | 'left';
  occurredAt: string;
}

/** `journeys.consent` / `POST /consent` record (schema `consent-message.json`). */
export interface ConsentMessage {
  id?: string;
  customerId: string;
  channel: Channel;
  topic?: string;
  status: ConsentStatus;
  occurredAt: string;
  source?: string;
}

/** A stored consent record (event `ConsentChanged`): the message as received. */
export type ReceivedConsent = ConsentMessage & { receivedAt: string };

export interface Refusal {
  /** Index of the message in the batch handed in. */
  index: number;
  id?: string;
  errors: ProblemDetail[];
}

export interface IngestResult {
  accepted: number;
  /** Messages whose id was seen before: accepted and ignored. */
  duplicates: number;
  /** Messages that can never succeed (unknown trigger, wrong types, nulls, too large): dead letters. */
  refused: Refusal[];
}

/**
 * The one intake path, shared by HTTP and Kafka. Each message is validated on its own: refused ones
 * are listed, the others are kept. When the promise resolves, every accepted message is durably
 * stored (safe to commit Kafka offsets). A rejection means nothing in the batch may be assumed
 * stored and the whole batch should be retried (e.g. ServiceUnavailable).
 */
export abstract class Ingestion {
  /** Checks each message on its own (`trigger-message.json`, then its trigger definition) and stores the good ones. */
  abstract ingestTriggers(messages: readonly unknown[]): Promise<IngestResult>;
  /** `shapeChecked`: the changes were built from a request checked against `membership-request.json`. */
  abstract ingestSegmentChanges(
    messages: readonly unknown[],
    options?: { shapeChecked?: boolean },
  ): Promise<IngestResult>;
  /** `shapeChecked`: the caller already checked every record against `consent-message.json`. */
  abstract ingestConsent(messages: readonly unknown[], options?: { shapeChecked?: boolean }): Promise<IngestResult>;
}
