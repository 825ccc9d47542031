import type { OutboxAction } from '../engine-store/engine-store.port';
import type { ActionRequested } from '../instance.events';

/** An action request as the outbox keeps it: the `journeys.actions` payload (schema `action.json`). */
export function outboxAction(event: ActionRequested): OutboxAction {
  const { actionId, instanceId, journeyId, version, customerId, stepId, channel, content, attributes, at } = event.data;
  const { expiresAt, topic, transactional } = event.data;
  const payload: Record<string, unknown> = {
    actionId,
    journeyId,
    version,
    stepId,
    customerId,
    channel,
    content,
    attributes,
    requestedAt: at,
  };
  if (topic !== undefined) payload.topic = topic;
  if (transactional) payload.transactional = true;
  if (expiresAt) payload.expiresAt = expiresAt;
  return {
    actionId,
    instanceId,
    journeyId,
    version,
    customerId,
    payload: JSON.stringify(payload),
    expiresAt: expiresAt ? Date.parse(expiresAt) : undefined,
  };
}
