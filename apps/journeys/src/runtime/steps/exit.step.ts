import type { ExitStep } from '@journeys/definition';
import { END, eventData, type StepResult, type StepRun } from './step-run';

/** An `exit` step ends the customer's journey as exited, wherever the path would have gone. */
export function exitJourney(step: ExitStep, run: StepRun): StepResult {
  return {
    events: [{ type: 'CustomerExited', data: eventData(run.ref, { reason: 'exitStep', stepId: step.id }) }],
    then: END,
  };
}
