import { documentProjection } from '@journeys/read-models';
import {
  INSTANCE_EVENT_TYPES,
  type CustomerEntryBlocked,
  type CustomerEntryDelayed,
  type EntryBlockedReason,
  type InstanceEvent,
} from '../instance.events';

/** One line of an instance's history; `details` carries the decision's reason where the event has one. */
export interface HistoryLine {
  stepId?: string;
  at: string;
  event: string;
  details?: Record<string, unknown>;
}

export interface InstanceProgress {
  instanceId: string;
  version: number;
  entry: number;
  status: 'active' | 'completed' | 'exited' | 'removed';
  currentStep?: string;
  history: HistoryLine[];
}

/** An entry that did not happen, and why (CustomerEntryBlocked). */
export interface BlockedEntry {
  version: number;
  at: string;
  reason: EntryBlockedReason;
  triggerId?: string;
}

/** An entry that waited for its slot of a rate-limited version (CustomerEntryDelayed). */
export interface DelayedEntry {
  version: number;
  at: string;
  reason: CustomerEntryDelayed['data']['reason'];
  enterAt: string;
  triggerId?: string;
}

export interface CustomerProgress {
  journeyId: string;
  customerId: string;
  instances: InstanceProgress[];
  /** Most recent blocked entries, oldest first. */
  blocked?: BlockedEntry[];
  /** Most recent delayed entries, oldest first. */
  delayed?: DelayedEntry[];
}

/** Most recent history lines kept per instance (and blocked entries per customer and journey). */
const HISTORY_LIMIT = 200;

const STATUS: Partial<Record<InstanceEvent['type'], InstanceProgress['status']>> = {
  CustomerCompleted: 'completed',
  CustomerExited: 'exited',
  CustomerRemoved: 'removed',
};

const EVENT_TYPES: readonly string[] = [...INSTANCE_EVENT_TYPES, 'CustomerEntryBlocked', 'CustomerEntryDelayed'];

/**
 * The facts that explain a decision: which branch and where to, why a customer left, why a send was
 * cancelled, what started the instance. Events that explain themselves (StepEntered, WaitElapsed)
 * carry none, which keeps the document small on the ingestion path.
 */
export function decisionDetails(event: InstanceEvent): Record<string, unknown> | undefined {
  switch (event.type) {
    case 'CustomerEntered': {
      const { trigger, bindingId, segmentId } = event.data;
      if (trigger) return { trigger: trigger.name, triggerId: trigger.id, ...(bindingId ? { bindingId } : {}) };
      return segmentId ? { segmentId } : undefined;
    }
    case 'BranchTaken':
      return { branch: event.data.branch, next: event.data.next };
    case 'SplitAssigned': {
      const { branch, next, assignment } = event.data;
      return assignment === undefined ? { branch, next } : { branch, next, assignment };
    }
    case 'ExperimentConverted':
      return { branch: event.data.branch, triggerId: event.data.triggerId };
    case 'ActionRequested':
      return event.data.expiresAt
        ? { actionId: event.data.actionId, expiresAt: event.data.expiresAt }
        : { actionId: event.data.actionId };
    case 'ActionCancelled':
      return { actionId: event.data.actionId, reason: event.data.reason };
    case 'SendSkipped': {
      const { actionId, reason, channel, topic } = event.data;
      return topic === undefined ? { actionId, reason, channel } : { actionId, reason, channel, topic };
    }
    case 'SendHeld': {
      const { actionId, reason, until, expiresAt } = event.data;
      return expiresAt === undefined ? { actionId, reason, until } : { actionId, reason, until, expiresAt };
    }
    case 'WaitScheduled':
      return { dueAt: event.data.dueAt, kind: event.data.kind };
    case 'TriggerMatched':
    case 'TriggerActivated':
      return { trigger: event.data.trigger, triggerId: event.data.triggerId };
    case 'GoalReached':
      return { trigger: event.data.trigger };
    case 'CustomerExited':
    case 'CustomerRemoved':
      return { reason: event.data.reason };
    case 'CustomerHeld':
      return { reason: event.data.reason };
    default:
      return undefined;
  }
}

const keep = <T>(list: T[]) => {
  if (list.length > HISTORY_LIMIT) list.splice(0, list.length - HISTORY_LIMIT);
};

function blockedEntry(doc: CustomerProgress | null, event: CustomerEntryBlocked): CustomerProgress {
  const { journeyId, customerId, version, reason, triggerId, at } = event.data;
  const progress = doc ?? { journeyId, customerId, instances: [] };
  const blocked = (progress.blocked ??= []);
  blocked.push(triggerId === undefined ? { version, at, reason } : { version, at, reason, triggerId });
  keep(blocked);
  return progress;
}

function delayedEntry(doc: CustomerProgress | null, event: CustomerEntryDelayed): CustomerProgress {
  const { journeyId, customerId, version, reason, enterAt, triggerId, at } = event.data;
  const progress = doc ?? { journeyId, customerId, instances: [] };
  const delayed = (progress.delayed ??= []);
  delayed.push(
    triggerId === undefined ? { version, at, reason, enterAt } : { version, at, reason, enterAt, triggerId },
  );
  keep(delayed);
  return progress;
}

/**
 * `GET /journeys/{id}/customers/{customerId}` and `GET /customers/{customerId}`: each instance of the
 * customer, where it is, what happened and why, and the entries that were blocked.
 */
export const customerProgressProjection = documentProjection<CustomerProgress>({
  name: 'customer_progress',
  // 2: decision details, blocked entries and the customer_id column.
  version: 2,
  eventTypes: EVENT_TYPES,
  keys: (event) => {
    if (!EVENT_TYPES.includes(event.type)) return [];
    const { journeyId, customerId } = event.data as { journeyId: string; customerId: string };
    return [`${journeyId}|${customerId}`];
  },
  evolve: (doc, recorded) => {
    if (recorded.type === 'CustomerEntryBlocked') {
      return blockedEntry(doc, recorded as unknown as CustomerEntryBlocked);
    }
    if (recorded.type === 'CustomerEntryDelayed') {
      return delayedEntry(doc, recorded as unknown as CustomerEntryDelayed);
    }
    const event = { type: recorded.type, data: recorded.data } as InstanceEvent;
    const { journeyId, customerId, instanceId, version, entry, at } = event.data;
    const progress = doc ?? { journeyId, customerId, instances: [] };
    let instance = progress.instances.find((i) => i.instanceId === instanceId);
    if (!instance) {
      instance = { instanceId, version, entry, status: 'active', history: [] };
      progress.instances.push(instance);
    }
    const stepId = 'stepId' in event.data ? event.data.stepId : undefined;
    if (event.type === 'StepEntered') instance.currentStep = event.data.stepId;
    const ended = STATUS[event.type];
    if (ended) {
      instance.status = ended;
      delete instance.currentStep;
    }
    const line: HistoryLine = stepId === undefined ? { at, event: event.type } : { stepId, at, event: event.type };
    const details = decisionDetails(event);
    if (details) line.details = details;
    instance.history.push(line);
    keep(instance.history);
    return progress;
  },
  columns: { customer_id: (doc) => doc.customerId },
});
