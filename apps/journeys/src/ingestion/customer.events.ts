import type { CustomerEntryBlocked, CustomerEntryDelayed } from '../runtime/instance.events';
import type { ReceivedConsent, ReceivedTrigger, SegmentChangeMessage } from './ingestion.port';

/**
 * Facts about one customer that feed the engine (stream `customer-<customerId>`): triggers, segment
 * changes and consent records as received, and entries the engine refused. Keyed by customer, like all runtime work.
 */
export type CustomerEvent =
  | { type: 'TriggerReceived'; data: ReceivedTrigger }
  | { type: 'SegmentMembershipChanged'; data: SegmentChangeMessage & { receivedAt: string } }
  | { type: 'ConsentChanged'; data: ReceivedConsent }
  | CustomerEntryBlocked
  | CustomerEntryDelayed;

export const CUSTOMER_CATEGORY = 'customer';
export const customerStream = (customerId: string) => `${CUSTOMER_CATEGORY}-${customerId}`;

/** Event ids derived from message ids: a redelivered message is the same event, stored once. */
export const triggerEventId = (messageId: string) => `trigger:${messageId}`;
export const segmentEventId = (messageId: string) => `segment:${messageId}`;
export const consentEventId = (messageId: string) => `consent:${messageId}`;
