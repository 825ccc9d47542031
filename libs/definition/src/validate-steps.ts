/** Publish checks of the steps: the graph, the limits and the waits. */
import { Audience, BranchStep, SplitStep, Step, WaitForTriggerStep, WaitStep } from './journey-definition';
import { childPath, indexPath } from './json-path';
import { LIMITS, WAIT_MAX_MS } from './limits';
import { ProblemCode, ProblemSink, truncate } from './problem';
import {
  StepGraph,
  buildStepGraph,
  cyclesWithoutWait,
  reachableFrom,
  reachableWithoutTime,
  stepEdges,
  zeroTimeCycles,
} from './step-graph';
import { durationSign, durationUpperBoundMs, parseIsoDuration } from './time';
import { ResolvedSchedule, resolveInstant } from './validate-schedule';

export interface StepCheckContext {
  now: Date;
  schedule: ResolvedSchedule;
}

const STEPS_PATH = '$.steps';

export function checkStepsForPublish(sink: ProblemSink, steps: readonly Step[], context: StepCheckContext): void {
  if (steps.length === 0) {
    sink.report(ProblemCode.NoSteps, STEPS_PATH, 'a journey needs at least one step');
    return;
  }
  if (steps.length > LIMITS.stepsMax) {
    sink.report(ProblemCode.TooManySteps, STEPS_PATH, `${steps.length} steps; at most ${LIMITS.stepsMax}`);
  }
  const graph = buildStepGraph(steps);
  const duplicates = checkDuplicateIds(sink, steps, graph);
  checkTargets(sink, steps, graph);
  checkReachability(sink, steps, graph, duplicates);
  checkCycles(sink, steps, graph);
  steps.forEach((step, index) => checkStep(sink, step, stepPath(index), steps, graph, context));
}

export function stepPath(index: number): string {
  return indexPath(STEPS_PATH, index);
}

function checkDuplicateIds(sink: ProblemSink, steps: readonly Step[], graph: StepGraph): Set<number> {
  const duplicates = new Set<number>();
  steps.forEach((step, index) => {
    const first = graph.indexById.get(step.id) as number;
    if (first === index) return;
    duplicates.add(index);
    sink.report(
      ProblemCode.DuplicateStepId,
      childPath(stepPath(index), 'id'),
      `step id "${truncate(step.id)}" is already used by $.steps[${first}]`,
    );
  });
  return duplicates;
}

function checkTargets(sink: ProblemSink, steps: readonly Step[], graph: StepGraph): void {
  steps.forEach((step, index) => {
    for (const edge of stepEdges(step)) {
      if (graph.indexById.has(edge.target)) continue;
      sink.report(
        ProblemCode.UnknownStep,
        `${stepPath(index)}.${edge.field}`,
        `no step has the id "${truncate(edge.target)}"`,
      );
    }
  });
}

function checkReachability(sink: ProblemSink, steps: readonly Step[], graph: StepGraph, duplicates: Set<number>): void {
  const reached = reachableFrom(graph, 0);
  steps.forEach((step, index) => {
    if (reached[index] || duplicates.has(index)) return;
    sink.report(
      ProblemCode.UnreachableStep,
      stepPath(index),
      `no path from the first step leads to step "${truncate(step.id)}"`,
    );
  });
}

function checkCycles(sink: ProblemSink, steps: readonly Step[], graph: StepGraph): void {
  for (const cycle of cyclesWithoutWait(steps, graph)) {
    const ids = cycle.map((index) => `"${truncate(steps[index].id)}"`).join(', ');
    sink.report(
      ProblemCode.CycleWithoutWait,
      stepPath(cycle[0]),
      `steps ${ids} lead back to themselves with no wait or waitForTrigger between them`,
    );
  }
  for (const cycle of zeroTimeCycles(steps, graph)) {
    const ids = cycle.map((index) => `"${truncate(steps[index].id)}"`).join(', ');
    sink.report(
      ProblemCode.ZeroTimeCycle,
      stepPath(cycle[0]),
      `steps ${ids} can lead back to themselves without time passing: no wait among them is sure to take ` +
        'time (an until or untilAttribute in the past takes none, and a waitForTrigger whose trigger the ' +
        'cycle raises itself is matched at once); add a wait with a duration, or go round through a ' +
        "waitForTrigger's no",
    );
  }
}

/**
 * A trigger-based journey that raises its own entry trigger with re-entry `always`, with no time
 * passing on the way, would enter the same customer again and again at one instant.
 */
export function checkSelfEntry(sink: ProblemSink, audience: Audience, steps: readonly Step[]): void {
  if (audience.type !== 'trigger' || (audience.reentry?.mode ?? 'never') !== 'always') return;
  const reached = reachableWithoutTime(steps, buildStepGraph(steps));
  steps.forEach((step, index) => {
    if (!reached[index] || step.type !== 'activateTrigger' || step.trigger !== audience.trigger) return;
    sink.report(
      ProblemCode.ZeroTimeCycle,
      childPath(stepPath(index), 'trigger'),
      `step "${truncate(step.id)}" raises ${truncate(step.trigger)}, the journey's own entry trigger, with ` +
        're-entry "always" and no time passing before it: each customer would enter again at once, ' +
        'without end; wait a duration first, raise another trigger, or use re-entry "never" or "after"',
    );
  });
}

function checkStep(
  sink: ProblemSink,
  step: Step,
  path: string,
  steps: readonly Step[],
  graph: StepGraph,
  context: StepCheckContext,
): void {
  switch (step.type) {
    case 'send':
      if (step.expires !== undefined) checkDuration(sink, step.expires, childPath(path, 'expires'), 'expires', false);
      return;
    case 'wait':
      checkWait(sink, step, path, context);
      return;
    case 'waitForTrigger':
      checkDuration(sink, step.within, childPath(path, 'within'), 'within', true);
      checkCorrelation(sink, step, path, steps, graph);
      return;
    case 'branch':
    case 'split':
      checkBranches(sink, step, path);
      return;
    case 'activateTrigger':
    case 'exit':
      return;
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
}

/** A duration that must be positive and, for waits, at most 90 days. */
export function checkDuration(sink: ProblemSink, text: string, path: string, what: string, isWait: boolean): void {
  const duration = parseIsoDuration(text);
  if (duration === null || durationSign(duration) <= 0) {
    sink.report(
      ProblemCode.InvalidDuration,
      path,
      `${what} must be a positive ISO 8601 duration, not "${truncate(text)}"`,
    );
    return;
  }
  if (isWait && durationUpperBoundMs(duration) > WAIT_MAX_MS) {
    sink.report(
      ProblemCode.WaitTooLong,
      path,
      `${what} ${text} can be longer than ${LIMITS.waitMaxDays} days (a month counts as 31 days, a year as 366)`,
    );
  }
}

function checkWait(sink: ProblemSink, step: WaitStep, path: string, context: StepCheckContext): void {
  if (step.duration !== undefined) checkDuration(sink, step.duration, childPath(path, 'duration'), 'duration', true);
  if (step.offset !== undefined && parseIsoDuration(step.offset) === null) {
    sink.report(
      ProblemCode.InvalidDuration,
      childPath(path, 'offset'),
      `offset "${truncate(step.offset)}" is not an ISO 8601 duration`,
    );
  }
  if (step.until !== undefined) checkWaitUntil(sink, step.until, childPath(path, 'until'), context);
}

/**
 * A fixed `until` must lie ahead, and no closer to the first possible entry (the start, or now)
 * than 90 days ahead of it.
 */
function checkWaitUntil(sink: ProblemSink, until: string, path: string, context: StepCheckContext): void {
  const resolution = resolveInstant(until, context.schedule.timeZone);
  if (resolution.kind === 'notDateTime') {
    sink.report(ProblemCode.InvalidDateTime, path, `"${truncate(until)}" is not an ISO 8601 date-time`);
    return;
  }
  if (resolution.kind === 'unknownZone') return;
  const nowMs = context.now.getTime();
  if (resolution.epochMs < nowMs) {
    sink.report(ProblemCode.WaitUntilTimeInPast, path, `${until} is already past`);
    return;
  }
  const firstEntryMs = Math.max(nowMs, context.schedule.startMs ?? nowMs);
  if (resolution.epochMs - firstEntryMs > WAIT_MAX_MS) {
    sink.report(
      ProblemCode.WaitTooLong,
      path,
      `customers entering at the start would wait more than ${LIMITS.waitMaxDays} days until ${until}`,
    );
  }
}

function checkCorrelation(
  sink: ProblemSink,
  step: WaitForTriggerStep,
  path: string,
  steps: readonly Step[],
  graph: StepGraph,
): void {
  if (step.correlate === undefined) return;
  const correlatePath = childPath(path, 'correlate');
  const sendIndex = graph.indexById.get(step.correlate);
  if (sendIndex === undefined) {
    sink.report(ProblemCode.UnknownCorrelatedStep, correlatePath, `no step has the id "${truncate(step.correlate)}"`);
    return;
  }
  const sendStep = steps[sendIndex];
  if (sendStep.type !== 'send') {
    sink.report(
      ProblemCode.CorrelatedStepNotSend,
      correlatePath,
      `"${truncate(step.correlate)}" is a ${sendStep.type} step, not a send step`,
    );
    return;
  }
  const ownIndex = graph.indexById.get(step.id);
  if (ownIndex !== undefined && !reachableFrom(graph, sendIndex)[ownIndex]) {
    sink.report(
      ProblemCode.CorrelatedStepNotBefore,
      correlatePath,
      `no path leads from send step "${truncate(step.correlate)}" to this step, so it never has an action to correlate`,
    );
  }
}

function checkBranches(sink: ProblemSink, step: BranchStep | SplitStep, path: string): void {
  const branchesPath = childPath(path, 'branches');
  const min = step.type === 'split' ? LIMITS.splitBranchesMin : LIMITS.branchesMin;
  const count = step.branches.length;
  if (count < min) {
    sink.report(
      ProblemCode.TooFewBranches,
      branchesPath,
      `a ${step.type} step needs at least ${min} branch${min === 1 ? '' : 'es'}`,
    );
  } else if (count > LIMITS.branchesMax) {
    sink.report(ProblemCode.TooManyBranches, branchesPath, `${count} branches; at most ${LIMITS.branchesMax}`);
  }
  if (step.type !== 'split') return;
  step.branches.forEach((branch, index) => {
    if (branch.weight > 0) return;
    sink.report(
      ProblemCode.InvalidWeight,
      childPath(indexPath(branchesPath, index), 'weight'),
      `a split weight must be positive, not ${branch.weight}`,
    );
  });
}
