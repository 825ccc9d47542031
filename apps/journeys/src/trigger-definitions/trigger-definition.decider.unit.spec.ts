import { deciderSpec } from '@journeys/testing/decider-spec';
import {
  decide,
  evolve,
  initialState,
  type TriggerDefinitionCommand,
  type TriggerDefinitionEvent,
  type TriggerDefinitionState,
} from './trigger-definition.decider';

const spec = deciderSpec<TriggerDefinitionCommand, TriggerDefinitionEvent, TriggerDefinitionState>({
  decide,
  evolve,
  initialState,
});
const attributes = [{ name: 'plan', type: 'text' as const }];
const created: TriggerDefinitionEvent = {
  type: 'TriggerDefinitionCreated',
  data: { name: 'signed-up', description: 'A sign-up', attributes },
};
const ready: TriggerDefinitionEvent = { type: 'TriggerDefinitionReady', data: { name: 'signed-up' } };

describe('trigger definition decider', () => {
  it('creates a Draft definition, then marks it Ready', () => {
    spec()
      .when({ type: 'CreateTriggerDefinition', name: 'signed-up', description: 'A sign-up', attributes })
      .then([created]);
    expect(spec(created).state).toMatchObject({ status: 'Draft', attributes });
    spec(created).when({ type: 'MarkTriggerDefinitionReady' }).then([ready]);
    expect(spec(created, ready).state.status).toBe('Ready');
  });
  it('refuses a second definition with the same name and readiness of an unknown one', () => {
    spec(created)
      .when({ type: 'CreateTriggerDefinition', name: 'signed-up', attributes })
      .thenThrows({ code: 'TRIGGER_DEFINITION_EXISTS' });
    spec().when({ type: 'MarkTriggerDefinitionReady' }).thenThrows({ code: 'TRIGGER_DEFINITION_NOT_FOUND' });
  });
  it('marking a Ready definition Ready again appends nothing', () => {
    spec(created, ready).when({ type: 'MarkTriggerDefinitionReady' }).then([]);
  });
});
