import type { SendStep } from '@journeys/definition';
import type { ActionRequested, SendHeld, SendSkipped } from '../instance.events';
import { decideDelivery, type DeliveryVerdict } from '../rules/delivery';
import { afterSend } from '../rules/frequency-cap';
import { HOLD, eventData, goTo, ownValue, plusDurationMs, timerIdFor, type StepResult, type StepRun } from './step-run';

/**
 * A `send` step requests one message and moves on at once; delivery is the actions output's job.
 * The actionId is `<instanceId>:<stepId>`, so a re-decision after a crash requests the same action
 * again and the output drops the duplicate. A loop that comes back to the step sends a new
 * message: that one gets `:<n>` (the visit) appended.
 *
 * The delivery controls decide first (rules/delivery.ts): a message may be skipped (SendSkipped,
 * the customer goes on), held by quiet hours (SendHeld: the customer waits at the step on a timer,
 * see {@link releaseSend}) or cancelled as expired (ActionCancelled, the customer goes on).
 */
export function requestAction(step: SendStep, run: StepRun): StepResult {
  const instanceId = run.ref.instanceId;
  const sentBefore = run.revisit || ownValue(run.actions, step.id) !== undefined;
  const actionId = sentBefore ? `${instanceId}:${step.id}:${run.visit}` : `${instanceId}:${step.id}`;
  const expiresAtMs = step.expires === undefined ? null : plusDurationMs(run.now, step.expires, run.timeZone);
  return deliver(step, run, actionId, expiresAtMs ?? undefined);
}

/** A send held by quiet hours, when its timer fires: decided again with its own id and expiry. */
export function releaseSend(step: SendStep, run: StepRun, held: { actionId: string; expiresAt?: string }): StepResult {
  return deliver(step, run, held.actionId, held.expiresAt === undefined ? undefined : Date.parse(held.expiresAt));
}

/** A held send is decided again when its quiet hours end, or when it expires if that comes first. */
export function heldUntil(until: string, expiresAt: string | undefined): string {
  return expiresAt !== undefined && Date.parse(expiresAt) < Date.parse(until) ? expiresAt : until;
}

function deliver(step: SendStep, run: StepRun, actionId: string, expiresAtMs: number | undefined): StepResult {
  const verdict = verdictFor(step, run, expiresAtMs);
  switch (verdict.kind) {
    case 'send':
      return { events: [requested(step, run, actionId, expiresAtMs, verdict.transactional)], then: goTo(step.next) };
    case 'skip': {
      const data: SendSkipped['data'] = eventData(run.ref, {
        stepId: step.id,
        actionId,
        channel: step.channel,
        reason: verdict.reason,
      });
      if (step.topic !== undefined) data.topic = step.topic;
      return { events: [{ type: 'SendSkipped', data }], then: goTo(step.next) };
    }
    case 'hold': {
      const data: SendHeld['data'] = eventData(run.ref, {
        stepId: step.id,
        actionId,
        timerId: timerIdFor(run, step.id),
        channel: step.channel,
        until: new Date(verdict.until).toISOString(),
        reason: 'QuietHours' as const,
      });
      if (expiresAtMs !== undefined) data.expiresAt = new Date(expiresAtMs).toISOString();
      return { events: [{ type: 'SendHeld', data }], then: HOLD };
    }
    case 'expired': {
      const data = eventData(run.ref, { actionId, stepId: step.id, reason: 'Expired' as const });
      return { events: [{ type: 'ActionCancelled', data }], then: goTo(step.next) };
    }
    default: {
      const unhandled: never = verdict;
      throw new Error(`Unhandled verdict ${JSON.stringify(unhandled)}`);
    }
  }
}

function verdictFor(step: SendStep, run: StepRun, expiresAtMs: number | undefined): DeliveryVerdict {
  const delivery = run.delivery;
  if (delivery === undefined) return { kind: 'send', transactional: step.transactional === true };
  return decideDelivery({
    step,
    journey: delivery.journey,
    settings: delivery.settings,
    customer: delivery.customer,
    profileZone: ownValue(run.profile, 'timeZone'),
    journeyZone: run.timeZone,
    nowMs: run.nowMs,
    expiresAtMs,
  });
}

function requested(
  step: SendStep,
  run: StepRun,
  actionId: string,
  expiresAtMs: number | undefined,
  transactional: boolean,
): ActionRequested {
  const data: ActionRequested['data'] = eventData(run.ref, {
    actionId,
    stepId: step.id,
    channel: step.channel,
    content: step.content,
    attributes: run.trigger as Record<string, unknown>,
  });
  if (expiresAtMs !== undefined) data.expiresAt = new Date(expiresAtMs).toISOString();
  if (step.topic !== undefined) data.topic = step.topic;
  if (transactional) data.transactional = true;
  else countSend(step, run);
  return { type: 'ActionRequested', data };
}

/** A later send of this same decision sees this one against the caps. */
function countSend(step: SendStep, run: StepRun): void {
  const delivery = run.delivery;
  if (delivery === undefined) return;
  const { customer } = delivery;
  const sentAt = afterSend(
    delivery.settings.frequencyCaps,
    step.channel,
    customer.sentAt[step.channel] ?? [],
    run.nowMs,
  );
  if (sentAt !== undefined) delivery.customer = { ...customer, sentAt: { ...customer.sentAt, [step.channel]: sentAt } };
}
