import { conditionShape, type Condition } from '@journeys/definition/journey-definition';

/** A condition as one line a marketer reads: `trigger.plan eq "pro" and not (in segment vip)`. */
export function conditionText(condition: Condition): string {
  const shape = conditionShape(condition);
  switch (shape.kind) {
    case 'leaf': {
      const { attribute, op, value } = shape.leaf;
      if (op === 'exists') return value === false ? `${attribute} is missing` : `${attribute} exists`;
      return `${attribute} ${op} ${JSON.stringify(value)}`;
    }
    case 'inSegment':
      return `in segment ${shape.segmentId}`;
    case 'all':
      return shape.conditions.length === 0 ? 'always' : group(shape.conditions, ' and ');
    case 'any':
      return shape.conditions.length === 0 ? 'never' : group(shape.conditions, ' or ');
    case 'not':
      return `not (${conditionText(shape.condition)})`;
    default: {
      const unknownShape: never = shape;
      return unknownShape;
    }
  }
}

function group(conditions: readonly Condition[], joiner: string): string {
  const parts = conditions.map(conditionText);
  return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(joiner);
}

/** Shortens a label for an edge; the full text stays in the node's title. */
export const clip = (text: string, max = 36) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
