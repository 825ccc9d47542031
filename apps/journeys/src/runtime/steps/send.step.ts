import type { SendStep } from '@journeys/definition';
import type { ActionRequested } from '../instance.events';
import { eventData, goTo, ownValue, plusDurationMs, type StepResult, type StepRun } from './step-run';

/**
 * A `send` step requests one message and moves on at once; delivery is the actions output's job.
 * The actionId is `<instanceId>:<stepId>`, so a re-decision after a crash requests the same action
 * again and the output drops the duplicate. A loop that comes back to the step sends a new
 * message: that one gets `:<n>` (the visit) appended.
 */
export function requestAction(step: SendStep, run: StepRun): StepResult {
  const instanceId = run.ref.instanceId;
  const sentBefore = run.revisit || ownValue(run.actions, step.id) !== undefined;
  const data: ActionRequested['data'] = eventData(run.ref, {
    actionId: sentBefore ? `${instanceId}:${step.id}:${run.visit}` : `${instanceId}:${step.id}`,
    stepId: step.id,
    channel: step.channel,
    content: step.content,
    attributes: run.trigger as Record<string, unknown>,
  });
  if (step.expires !== undefined) {
    const expiresMs = plusDurationMs(run.now, step.expires, run.timeZone);
    if (expiresMs !== null) data.expiresAt = new Date(expiresMs).toISOString();
  }
  return { events: [{ type: 'ActionRequested', data }], then: goTo(step.next) };
}
