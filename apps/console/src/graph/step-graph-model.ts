import type { JourneyDefinition, Step } from '@journeys/definition/journey-definition';
import { stepEdges } from '@journeys/definition/step-graph';
import { clip, conditionText } from './conditions-text';

/** The start node (the audience) and the node of customers who finished without an exit step. */
export const ENTRY_NODE = '__entry';
export const END_NODE = '__completed';

export interface GraphNode {
  id: string;
  kind: 'entry' | 'step' | 'end';
  /** The step's type for step nodes (`exit` steps are drawn as exits). */
  stepType?: Step['type'];
  title: string;
  /** One line under the title: what the step does. */
  subtitle: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** Branch conditions, split weights, yes / no; empty for a plain `next`. */
  label: string;
  /** The full label (a long condition is clipped on the edge). */
  fullLabel: string;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** What a step does, in a few words. */
export function stepSummary(step: Step): string {
  switch (step.type) {
    case 'send':
      return `${step.channel}: ${step.content}`;
    case 'wait':
      if (step.duration) return `wait ${step.duration}`;
      if (step.until) return `until ${step.until}`;
      return `until ${step.untilAttribute}${step.offset ? ` ${step.offset}` : ''}`;
    case 'waitForTrigger':
      return `${step.trigger} within ${step.within}`;
    case 'branch':
      return `${step.branches.length} branch${step.branches.length === 1 ? '' : 'es'} + otherwise`;
    case 'split':
      return `split ${step.branches.map((b) => b.weight).join(' / ')}`;
    case 'activateTrigger':
      return `raise ${step.trigger}`;
    case 'exit':
      return 'exit the journey';
    default: {
      const unknownStep: never = step;
      return unknownStep;
    }
  }
}

/** The label of the edge a step's field names (`branches[1].next`, `yes`, `otherwise`, `next`). */
export function edgeLabel(step: Step, field: string): string {
  const index = /^branches\[(\d+)\]/.exec(field);
  if (step.type === 'branch' && index) return conditionText(step.branches[Number(index[1])].if);
  if (step.type === 'split' && index) {
    const total = step.branches.reduce((sum, b) => sum + b.weight, 0);
    const weight = step.branches[Number(index[1])].weight;
    return `${total > 0 ? Math.round((weight / total) * 1000) / 10 : 0}%`;
  }
  return field === 'next' ? '' : field;
}

/** Every route a customer can leave the step by that has no successor: those complete the journey. */
function openEnds(step: Step): string[] {
  switch (step.type) {
    case 'send':
    case 'wait':
    case 'activateTrigger':
      return step.next === undefined ? [''] : [];
    case 'waitForTrigger':
      return [...(step.yes === undefined ? ['yes'] : []), ...(step.no === undefined ? ['no'] : [])];
    case 'branch':
      return [
        ...step.branches.filter((b) => b.next === undefined).map((b) => conditionText(b.if)),
        ...(step.otherwise === undefined ? ['otherwise'] : []),
      ];
    case 'split':
      return step.branches.flatMap((b, i) => (b.next === undefined ? [edgeLabel(step, `branches[${i}].next`)] : []));
    case 'exit':
      return [];
    default: {
      const unknownStep: never = step;
      return unknownStep;
    }
  }
}

function audienceText(definition: JourneyDefinition): string {
  const audience = definition.audience;
  return audience.type === 'trigger' ? `trigger ${audience.trigger}` : `segments ${audience.segments.join(', ')}`;
}

/**
 * The step graph of a definition as nodes and labelled edges: an entry node into the first step,
 * one node per step, one edge per successor field, and edges into a shared "completed" node for
 * routes without a successor. Edges to unknown steps are left out (publish validation reports them).
 */
export function graphModel(definition: JourneyDefinition): GraphModel {
  const known = new Set(definition.steps.map((s) => s.id));
  const nodes: GraphNode[] = [{ id: ENTRY_NODE, kind: 'entry', title: 'Entry', subtitle: audienceText(definition) }];
  const edges: GraphEdge[] = [];
  const edge = (from: string, to: string, fullLabel: string) =>
    edges.push({ from, to, fullLabel, label: clip(fullLabel) });
  if (definition.steps.length > 0) edge(ENTRY_NODE, definition.steps[0].id, '');
  let completes = false;
  for (const step of definition.steps) {
    nodes.push({ id: step.id, kind: 'step', stepType: step.type, title: step.id, subtitle: stepSummary(step) });
    for (const { field, target } of stepEdges(step)) {
      if (known.has(target)) edge(step.id, target, edgeLabel(step, field));
    }
    for (const label of openEnds(step)) {
      edge(step.id, END_NODE, label);
      completes = true;
    }
  }
  if (completes) nodes.push({ id: END_NODE, kind: 'end', title: 'Completed', subtitle: 'no next step' });
  return { nodes, edges };
}
