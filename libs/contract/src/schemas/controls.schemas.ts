/**
 * The delivery controls of a journey definition (docs/journey-definition.md, "Delivery controls"):
 * their shapes, as `$defs` of `journey-definition.json`. Ranges and cross-field rules are checked at
 * publish (`validate-controls.ts` in the definition library).
 */
import { duration, nullable, type JsonSchema } from './common';

const object = (properties: Record<string, JsonSchema>, required: string[], extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  required,
  properties,
  additionalProperties: false,
  ...extra,
});

export const CONTROL_DEFS: Record<string, JsonSchema> = {
  pauseRules: object(
    {
      maxDuration: nullable(duration('Longest a pause may last, at most 90 days; default P21D')),
      whenExceeded: nullable({
        type: 'string',
        enum: ['resume', 'stop'],
        'x-codes': { enum: 'InvalidValue' },
        description: 'How a pause that reaches maxDuration ends: resume (default) or stop the version',
      }),
    },
    [],
    { description: 'How long a version may stay paused, and how such a pause ends by itself' },
  ),
};
