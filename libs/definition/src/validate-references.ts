/**
 * Publish checks of references to trigger definitions: they exist and are Ready, and the `trigger.*`
 * attributes the journey reads (and the attributes it activates) exist with a fitting type.
 *
 * Which trigger `trigger.<name>` reads: in the audience's conditions, the entering trigger; in a
 * waitForTrigger's conditions, the arriving trigger; anywhere else, any trigger of the instance (the
 * audience trigger or one a waitForTrigger step matched). Attributes are only checked when every
 * trigger in scope is known; unknown triggers are reported on their own.
 */
import { visitConditionLeaves } from './conditions';
import {
  ActivateTriggerStep,
  AttributeReference,
  Condition,
  JourneyDefinition,
  LeafCondition,
  ScalarValue,
} from './journey-definition';
import { childPath, indexPath } from './json-path';
import { PublishContext, TriggerAttributeType, TriggerDefinitionInfo } from './publish-context';
import { ProblemCode, ProblemSink, truncate } from './problem';
import { parseIsoDateTime } from './time';
import { stepPath } from './validate-steps';

/** Attribute name -> the types it has on the triggers in scope. */
type AttributeScope = ReadonlyMap<string, ReadonlySet<TriggerAttributeType>>;

interface Scope {
  attributes: AttributeScope;
  /** Names the triggers, for messages. */
  description: string;
}

interface TriggerReference {
  name: string;
  path: string;
}

export function checkTriggerReferences(
  sink: ProblemSink,
  definition: JourneyDefinition,
  context: PublishContext,
): void {
  for (const reference of triggerReferences(definition)) {
    const trigger = context.triggers.get(reference.name);
    if (trigger === undefined) {
      sink.report(
        ProblemCode.TriggerNotFound,
        reference.path,
        `no trigger definition is named "${truncate(reference.name)}"`,
      );
    } else if (trigger.state !== 'Ready') {
      sink.report(
        ProblemCode.TriggerNotReady,
        reference.path,
        `trigger definition "${truncate(reference.name)}" is not Ready yet`,
      );
    }
  }
}

function triggerReferences(definition: JourneyDefinition): TriggerReference[] {
  const references: TriggerReference[] = [];
  if (definition.audience.type === 'trigger') {
    references.push({ name: definition.audience.trigger, path: '$.audience.trigger' });
  }
  definition.steps.forEach((step, index) => {
    if (step.type === 'waitForTrigger' || step.type === 'activateTrigger') {
      references.push({ name: step.trigger, path: childPath(stepPath(index), 'trigger') });
    }
    if (step.type === 'split' && step.experiment?.metric.type === 'trigger') {
      references.push({ name: step.experiment.metric.trigger, path: `${stepPath(index)}.experiment.metric.trigger` });
    }
  });
  definition.exit?.triggers?.forEach((name, index) => {
    references.push({ name, path: indexPath('$.exit.triggers', index) });
  });
  if (definition.goal !== undefined) references.push({ name: definition.goal.trigger, path: '$.goal.trigger' });
  return references;
}

export function checkAttributeReferences(
  sink: ProblemSink,
  definition: JourneyDefinition,
  context: PublishContext,
): void {
  const instanceTriggers = instanceTriggerNames(definition);
  const instanceScope = scopeOf(instanceTriggers, context);
  const { audience } = definition;
  if (audience.type === 'trigger' && audience.conditions !== undefined) {
    checkCondition(sink, audience.conditions, '$.audience.conditions', scopeOf([audience.trigger], context));
  }
  definition.steps.forEach((step, index) => {
    const path = stepPath(index);
    switch (step.type) {
      case 'waitForTrigger':
        if (step.conditions !== undefined) {
          checkCondition(sink, step.conditions, childPath(path, 'conditions'), scopeOf([step.trigger], context));
        }
        return;
      case 'branch':
        step.branches.forEach((branch, branchIndex) => {
          const conditionPath = childPath(indexPath(childPath(path, 'branches'), branchIndex), 'if');
          checkCondition(sink, branch.if, conditionPath, instanceScope);
        });
        return;
      case 'wait':
        if (step.untilAttribute !== undefined) {
          checkReference(sink, step.untilAttribute, childPath(path, 'untilAttribute'), instanceScope, ['datetime']);
        }
        return;
      case 'activateTrigger':
        checkActivatedAttributes(sink, step, path, instanceScope, context.triggers.get(step.trigger));
        return;
      case 'send':
      case 'split':
      case 'exit':
        return;
      default: {
        const unreachable: never = step;
        return unreachable;
      }
    }
  });
}

function instanceTriggerNames(definition: JourneyDefinition): string[] {
  const names = definition.audience.type === 'trigger' ? [definition.audience.trigger] : [];
  for (const step of definition.steps) {
    if (step.type === 'waitForTrigger') names.push(step.trigger);
  }
  return [...new Set(names)];
}

/** The attributes of these triggers together, or null when one of them is unknown. */
function scopeOf(triggerNames: readonly string[], context: PublishContext): Scope | null {
  const attributes = new Map<string, Set<TriggerAttributeType>>();
  for (const name of triggerNames) {
    const trigger = context.triggers.get(name);
    if (trigger === undefined) return null;
    for (const attribute of trigger.attributes) {
      const types = attributes.get(attribute.name) ?? new Set<TriggerAttributeType>();
      types.add(attribute.type);
      attributes.set(attribute.name, types);
    }
  }
  const description =
    triggerNames.length === 0
      ? 'this journey has no trigger (it is not started by one and waits for none)'
      : `no attribute of that name on trigger ${triggerNames.map((name) => `"${truncate(name)}"`).join(', ')}`;
  return { attributes, description };
}

/**
 * Checks a `trigger.*` reference against the scope; returns the types it may have, or null when it
 * is a profile attribute, the scope is unknown or the attribute was reported missing.
 */
function checkReference(
  sink: ProblemSink,
  reference: AttributeReference,
  path: string,
  scope: Scope | null,
  acceptedTypes?: readonly TriggerAttributeType[],
): ReadonlySet<TriggerAttributeType> | null {
  if (scope === null || !reference.startsWith('trigger.')) return null;
  const name = reference.slice('trigger.'.length);
  const types = scope.attributes.get(name);
  if (types === undefined) {
    sink.report(ProblemCode.UnknownTriggerAttribute, path, `${truncate(reference)}: ${scope.description}`);
    return null;
  }
  if (acceptedTypes !== undefined && ![...types].some((type) => acceptedTypes.includes(type))) {
    sink.report(
      ProblemCode.AttributeTypeMismatch,
      path,
      `${truncate(reference)} is ${[...types].join(' or ')}; expected ${acceptedTypes.join(' or ')}`,
    );
  }
  return types;
}

function checkCondition(sink: ProblemSink, condition: Condition, path: string, scope: Scope | null): void {
  visitConditionLeaves(
    condition,
    (leaf, leafPath) => {
      const types = checkReference(sink, leaf.attribute, childPath(leafPath, 'attribute'), scope);
      if (types === null || [...types].some((type) => leafFits(leaf, type))) return;
      sink.report(
        ProblemCode.AttributeTypeMismatch,
        leafPath,
        `${truncate(leaf.attribute)} is ${[...types].join(' or ')}; ${leaf.op} ${describeOperand(leaf)} does not apply to it`,
      );
    },
    path,
  );
}

function describeOperand(leaf: LeafCondition): string {
  return leaf.value === undefined ? '' : truncate(JSON.stringify(leaf.value));
}

/** Whether the operator and operand make sense for an attribute of this type. */
function leafFits(leaf: LeafCondition, type: TriggerAttributeType): boolean {
  switch (leaf.op) {
    case 'exists':
      return true;
    case 'before':
    case 'after':
      return type === 'datetime';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return (
        (type === 'number' && typeof leaf.value === 'number') || (type === 'datetime' && typeof leaf.value === 'string')
      );
    case 'eq':
    case 'ne':
      return valueFits(leaf.value, type);
    case 'in':
      return leaf.value.every((value) => valueFits(value, type));
    case 'contains':
      return (type === 'text' || type === 'reference') && typeof leaf.value === 'string';
    default: {
      const unreachable: never = leaf;
      return unreachable;
    }
  }
}

export function valueFits(value: ScalarValue, type: TriggerAttributeType): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'text':
    case 'reference':
      return typeof value === 'string';
    case 'datetime':
      return typeof value === 'string' && parseIsoDateTime(value) !== null;
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/** The activated trigger must have every attribute set, with a value of its type. */
function checkActivatedAttributes(
  sink: ProblemSink,
  step: ActivateTriggerStep,
  path: string,
  instanceScope: Scope | null,
  target: TriggerDefinitionInfo | undefined,
): void {
  const attributesPath = childPath(path, 'attributes');
  for (const [name, mapping] of Object.entries(step.attributes ?? {})) {
    const attributePath = childPath(attributesPath, name);
    const declared = target?.attributes.find((attribute) => attribute.name === name);
    if (target !== undefined && declared === undefined) {
      sink.report(
        ProblemCode.UnknownTriggerAttribute,
        attributePath,
        `trigger "${truncate(step.trigger)}" has no attribute "${truncate(name)}"`,
      );
    }
    if (typeof mapping === 'object') {
      const accepted = declared === undefined ? undefined : compatibleTypes(declared.type);
      checkReference(sink, mapping.from, childPath(attributePath, 'from'), instanceScope, accepted);
    } else if (declared !== undefined && !valueFits(mapping, declared.type)) {
      sink.report(
        ProblemCode.AttributeTypeMismatch,
        attributePath,
        `attribute "${truncate(name)}" of trigger "${truncate(step.trigger)}" is ${declared.type}, not ${truncate(JSON.stringify(mapping))}`,
      );
    }
  }
}

/** Text and references are both strings; copying one into the other is fine. */
function compatibleTypes(type: TriggerAttributeType): TriggerAttributeType[] {
  return type === 'text' || type === 'reference' ? ['text', 'reference'] : [type];
}
