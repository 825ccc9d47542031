import type { JsonSchema } from './common';
import { journeyDefinitionSchema } from './journey-definition.schema';

/** Every public message's JSON Schema, by file name (served at `/schemas/<name>`). */
export const CONTRACT_SCHEMAS: Record<string, JsonSchema> = {
  'journey-definition.json': journeyDefinitionSchema,
};

export * from './common';
export { journeyDefinitionSchema };
