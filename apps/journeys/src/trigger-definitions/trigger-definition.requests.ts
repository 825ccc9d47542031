import type { AttributeType } from './trigger-definition.decider';

/** `POST /trigger-definitions` and the `CreateTriggerDefinition` payload (schema `trigger-definition-request.json`). */
export interface CreateTriggerDefinitionRequest {
  name: string;
  description?: string | null;
  attributes: { name: string; type: AttributeType }[];
}

/** The definition a valid request describes; null means absent. */
export function triggerDefinitionOf(body: CreateTriggerDefinitionRequest) {
  return {
    name: body.name,
    description: body.description ?? undefined,
    attributes: body.attributes.map(({ name, type }) => ({ name, type })),
  };
}
