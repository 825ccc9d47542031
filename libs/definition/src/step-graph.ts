/** The step graph: who follows whom, what is reachable, which cycles lack a wait. Pure and iterative. */
import { Step } from './journey-definition';

/** One outgoing edge of a step, with the field (relative to the step) that names the target. */
export interface StepEdge {
  field: string;
  target: string;
}

/** The successors a step names, in field order. */
export function stepEdges(step: Step): StepEdge[] {
  const edges: StepEdge[] = [];
  const add = (field: string, target: string | undefined): void => {
    if (target !== undefined) edges.push({ field, target });
  };
  switch (step.type) {
    case 'send':
    case 'wait':
    case 'activateTrigger':
      add('next', step.next);
      break;
    case 'waitForTrigger':
      add('yes', step.yes);
      add('no', step.no);
      break;
    case 'branch':
      step.branches.forEach((branch, index) => add(`branches[${index}].next`, branch.next));
      add('otherwise', step.otherwise);
      break;
    case 'split':
      step.branches.forEach((branch, index) => add(`branches[${index}].next`, branch.next));
      break;
    case 'exit':
      break;
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
  return edges;
}

/** Whether the step holds customers on a timer, which makes a cycle through it safe. */
export function isWaitingStep(step: Step): boolean {
  return step.type === 'wait' || step.type === 'waitForTrigger';
}

/**
 * The graph by step index. With duplicate ids the first step with the id wins; edges to unknown
 * ids are left out (they are reported on their own).
 */
export interface StepGraph {
  indexById: ReadonlyMap<string, number>;
  successors: ReadonlyArray<readonly number[]>;
}

export function buildStepGraph(steps: readonly Step[]): StepGraph {
  const indexById = new Map<string, number>();
  steps.forEach((step, index) => {
    if (!indexById.has(step.id)) indexById.set(step.id, index);
  });
  const successors = steps.map((step) =>
    stepEdges(step)
      .map((edge) => indexById.get(edge.target))
      .filter((index): index is number => index !== undefined),
  );
  return { indexById, successors };
}

/** Indexes reachable from `start` (inclusive), as a membership array. */
export function reachableFrom(graph: StepGraph, start: number): boolean[] {
  const reached = graph.successors.map(() => false);
  if (start < 0 || start >= reached.length) return reached;
  const stack = [start];
  reached[start] = true;
  while (stack.length > 0) {
    const current = stack.pop() as number;
    for (const next of graph.successors[current]) {
      if (!reached[next]) {
        reached[next] = true;
        stack.push(next);
      }
    }
  }
  return reached;
}

/**
 * Groups of step indexes that form a cycle made only of non-waiting steps: a customer entering one
 * would loop without ever pausing. Each group is sorted; groups are ordered by their first index.
 */
export function cyclesWithoutWait(steps: readonly Step[], graph: StepGraph): number[][] {
  const inSubgraph = steps.map((step) => !isWaitingStep(step));
  return cyclicComponents(
    graph.successors.map((targets, index) => (inSubgraph[index] ? targets.filter((target) => inSubgraph[target]) : [])),
  );
}

/**
 * Groups of step indexes that form a cycle a customer can go round without time passing, although
 * it holds a wait: no edge of the cycle is sure to take time. An edge takes time when it leaves a
 * `wait` with a `duration` (always positive) or the `no` (timeout) side of a `waitForTrigger`.
 * The `yes` side of a `waitForTrigger` needs a trigger from outside, unless a step of the same cycle
 * raises that trigger itself (`activateTrigger`): then the cycle feeds itself. A `wait` with `until`
 * or `untilAttribute` takes no time once its date has passed. Cycles without any waiting step are
 * {@link cyclesWithoutWait}'s and are not repeated here.
 */
export function zeroTimeCycles(steps: readonly Step[], graph: StepGraph): number[][] {
  const untimed = steps.map((step, index) => untimedTargets(step, graph, index, () => true));
  const candidates = cyclicComponents(untimed);
  const componentOf = new Map<number, number>();
  candidates.forEach((component, c) => component.forEach((index) => componentOf.set(index, c)));
  const raisedIn = candidates.map(
    (component) =>
      new Set(component.flatMap((index) => (steps[index].type === 'activateTrigger' ? [steps[index].trigger] : []))),
  );
  const fed = (step: Step, index: number): boolean => {
    const c = componentOf.get(index);
    return step.type === 'waitForTrigger' && c !== undefined && raisedIn[c].has(step.trigger);
  };
  const successors = steps.map((step, index) => untimedTargets(step, graph, index, () => fed(step, index)));
  return cyclicComponents(successors).filter((component) => component.some((index) => isWaitingStep(steps[index])));
}

/**
 * Indexes a customer can reach from the first step without time passing and without a trigger
 * from outside (a waitForTrigger's `yes` needs one), as a membership array.
 */
export function reachableWithoutTime(steps: readonly Step[], graph: StepGraph): boolean[] {
  const successors = steps.map((step, index) => untimedTargets(step, graph, index, () => false));
  return reachableFrom({ indexById: graph.indexById, successors }, 0);
}

/** The targets of a step's edges that may take no time; `yesIsUntimed` decides a waitForTrigger's `yes`. */
function untimedTargets(step: Step, graph: StepGraph, index: number, yesIsUntimed: () => boolean): number[] {
  const target = (id: string | undefined) => (id === undefined ? [] : [graph.indexById.get(id)]);
  let targets: (number | undefined)[];
  if (step.type === 'wait') targets = step.duration !== undefined ? [] : target(step.next);
  else if (step.type === 'waitForTrigger') targets = yesIsUntimed() ? target(step.yes) : [];
  else targets = [...graph.successors[index]];
  return targets.filter((t): t is number => t !== undefined);
}

/**
 * Strongly connected components that contain a cycle (more than one node, or a node with an edge
 * to itself): Tarjan's algorithm, iteratively. Each group is sorted; groups are ordered by their
 * first index.
 */
export function cyclicComponents(successors: ReadonlyArray<readonly number[]>): number[][] {
  const count = successors.length;
  const order = new Array<number>(count).fill(-1);
  const lowLink = new Array<number>(count).fill(0);
  const onStack = new Array<boolean>(count).fill(false);
  const componentStack: number[] = [];
  const cycles: number[][] = [];
  let counter = 0;

  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    const work: Array<{ node: number; edge: number }> = [{ node: root, edge: 0 }];
    order[root] = lowLink[root] = counter++;
    componentStack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = successors[frame.node];
      if (frame.edge < targets.length) {
        const target = targets[frame.edge++];
        if (order[target] === -1) {
          order[target] = lowLink[target] = counter++;
          componentStack.push(target);
          onStack[target] = true;
          work.push({ node: target, edge: 0 });
        } else if (onStack[target]) {
          lowLink[frame.node] = Math.min(lowLink[frame.node], order[target]);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        lowLink[parent] = Math.min(lowLink[parent], lowLink[frame.node]);
      }
      if (lowLink[frame.node] !== order[frame.node]) continue;
      const component: number[] = [];
      let member: number;
      do {
        member = componentStack.pop() as number;
        onStack[member] = false;
        component.push(member);
      } while (member !== frame.node);
      const selfLoop = component.length === 1 && successors[frame.node].includes(frame.node);
      if (component.length > 1 || selfLoop) cycles.push(component.sort((a, b) => a - b));
    }
  }
  return cycles.sort((a, b) => a[0] - b[0]);
}
