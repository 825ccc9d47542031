import { pickSplitBranch, splitKey, type SplitStep } from '@journeys/definition';
import type { SplitAssigned, SplitAssignment } from '../instance.events';
import { eventData, goTo, type StepResult, type StepRun } from './step-run';

const weightsBySplit = new WeakMap<SplitStep, number[]>();

function weightsOf(step: SplitStep): number[] {
  let weights = weightsBySplit.get(step);
  if (weights === undefined) {
    weights = step.branches.map((branch) => branch.weight);
    weightsBySplit.set(step, weights);
  }
  return weights;
}

/**
 * A `split` step sends the customer down a weighted branch chosen by hashing journey, step and
 * customer: sticky across entries, versions and machines. A branch without a successor is a
 * hold-out group, which completes the journey.
 *
 * A split that is an experiment assigns the same way while it runs (`assignment: experiment`, counted
 * in its figures). Once it has concluded with a winner, later customers go down the winner
 * (`winner`), and those it assigned before keep their branch (`sticky`); without a winner it goes on
 * splitting by weight, no longer counted.
 */
export function assignSplit(step: SplitStep, run: StepRun): StepResult {
  let branch = pickSplitBranch(weightsOf(step), splitKey(run.ref.journeyId, step.id, run.ref.customerId));
  let assignment: SplitAssignment | undefined;
  if (step.experiment !== undefined) {
    const conclusion = run.experiments?.get(step.id);
    if (conclusion === undefined) assignment = 'experiment';
    else if (conclusion.winner !== null) {
      if (run.assignedBefore?.(step.id)) assignment = 'sticky';
      else {
        assignment = 'winner';
        branch = conclusion.winner;
      }
    }
  }
  const next = step.branches[branch].next;
  const data: SplitAssigned['data'] = eventData(run.ref, { stepId: step.id, branch, next: next ?? null });
  if (assignment !== undefined) data.assignment = assignment;
  return { events: [{ type: 'SplitAssigned', data }], then: goTo(next) };
}
