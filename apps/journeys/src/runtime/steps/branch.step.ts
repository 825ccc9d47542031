import { evaluateCondition, type BranchStep } from '@journeys/definition';
import { eventData, goTo, type StepResult, type StepRun } from './step-run';

/**
 * A `branch` step takes the first branch whose condition holds when the customer arrives, else
 * `otherwise`. A chosen branch without a successor completes the journey.
 */
export function takeBranch(step: BranchStep, run: StepRun): StepResult {
  const branches = step.branches;
  for (let index = 0; index < branches.length; index++) {
    if (!evaluateCondition(branches[index].if, run)) continue;
    const next = branches[index].next;
    return {
      events: [
        { type: 'BranchTaken', data: eventData(run.ref, { stepId: step.id, branch: index, next: next ?? null }) },
      ],
      then: goTo(next),
    };
  }
  const otherwise = step.otherwise;
  return {
    events: [
      {
        type: 'BranchTaken',
        data: eventData(run.ref, { stepId: step.id, branch: 'otherwise', next: otherwise ?? null }),
      },
    ],
    then: goTo(otherwise),
  };
}
