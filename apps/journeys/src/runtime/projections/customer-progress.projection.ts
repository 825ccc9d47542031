import { documentProjection } from '@journeys/read-models';
import { INSTANCE_EVENT_TYPES, type InstanceEvent } from '../instance.events';

export interface InstanceProgress {
  instanceId: string;
  version: number;
  entry: number;
  status: 'active' | 'completed' | 'exited' | 'removed';
  currentStep?: string;
  history: { stepId?: string; at: string; event: string }[];
}

export interface CustomerProgress {
  journeyId: string;
  customerId: string;
  instances: InstanceProgress[];
}

/** Most recent history lines kept per instance. */
const HISTORY_LIMIT = 200;

const STATUS: Partial<Record<InstanceEvent['type'], InstanceProgress['status']>> = {
  CustomerCompleted: 'completed',
  CustomerExited: 'exited',
  CustomerRemoved: 'removed',
};

/** `GET /journeys/{id}/customers/{customerId}`: each instance of the customer, where it is, what happened. */
export const customerProgressProjection = documentProjection<CustomerProgress>({
  name: 'customer_progress',
  version: 1,
  eventTypes: [...INSTANCE_EVENT_TYPES],
  keys: (event) => {
    if (!INSTANCE_EVENT_TYPES.has(event.type)) return [];
    const { journeyId, customerId } = event.data as { journeyId: string; customerId: string };
    return [`${journeyId}|${customerId}`];
  },
  evolve: (doc, recorded) => {
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
    instance.history.push(stepId === undefined ? { at, event: event.type } : { stepId, at, event: event.type });
    if (instance.history.length > HISTORY_LIMIT) instance.history.splice(0, instance.history.length - HISTORY_LIMIT);
    return progress;
  },
});
