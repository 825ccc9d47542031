import { ActionNotAllowed } from '../common/errors';

/** A trigger's typed schema (stream `triggerDefinition-<name>`); journeys publish only against Ready ones. */
export const TRIGGER_DEFINITION_CATEGORY = 'triggerDefinition';

export const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'datetime', 'reference'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface TriggerAttribute {
  name: string;
  type: AttributeType;
}

export type TriggerDefinitionEvent =
  | {
      type: 'TriggerDefinitionCreated';
      data: { name: string; description?: string; attributes: TriggerAttribute[] };
    }
  | { type: 'TriggerDefinitionReady'; data: { name: string } };

export type TriggerDefinitionState =
  | { status: 'absent' }
  | { status: 'Draft' | 'Ready'; name: string; description?: string; attributes: TriggerAttribute[] };

export type TriggerDefinitionCommand =
  | { type: 'CreateTriggerDefinition'; name: string; description?: string; attributes: TriggerAttribute[] }
  | { type: 'MarkTriggerDefinitionReady' };

export const initialState = (): TriggerDefinitionState => ({ status: 'absent' });

export function decide(command: TriggerDefinitionCommand, state: TriggerDefinitionState): TriggerDefinitionEvent[] {
  switch (command.type) {
    case 'CreateTriggerDefinition':
      if (state.status !== 'absent') {
        throw new ActionNotAllowed('TRIGGER_DEFINITION_EXISTS', `Trigger definition ${command.name} already exists`);
      }
      return [
        {
          type: 'TriggerDefinitionCreated',
          data: { name: command.name, description: command.description, attributes: command.attributes },
        },
      ];
    case 'MarkTriggerDefinitionReady':
      if (state.status === 'absent')
        throw new ActionNotAllowed('TRIGGER_DEFINITION_NOT_FOUND', 'Trigger definition does not exist');
      // Ready is where a definition stays; asking again changes nothing.
      return state.status === 'Ready' ? [] : [{ type: 'TriggerDefinitionReady', data: { name: state.name } }];
    default: {
      const unhandled: never = command;
      throw new Error(`Unhandled ${JSON.stringify(unhandled)}`);
    }
  }
}

export function evolve(state: TriggerDefinitionState, event: TriggerDefinitionEvent): TriggerDefinitionState {
  switch (event.type) {
    case 'TriggerDefinitionCreated':
      return { status: 'Draft', ...event.data };
    case 'TriggerDefinitionReady':
      return state.status === 'absent' ? state : { ...state, status: 'Ready' };
    default: {
      const unhandled: never = event;
      throw new Error(`Unhandled ${JSON.stringify(unhandled)}`);
    }
  }
}
