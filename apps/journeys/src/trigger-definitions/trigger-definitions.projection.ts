import { documentProjection } from '@journeys/read-models';
import {
  evolve,
  initialState,
  type TriggerDefinitionEvent,
  type TriggerDefinitionState,
} from './trigger-definition.decider';

export type TriggerDefinitionView = Exclude<TriggerDefinitionState, { status: 'absent' }> & {
  createdAt: string;
  createdBy?: string;
};

/** Every trigger definition by name; read by publish validation and by trigger ingestion. */
export const triggerDefinitionsProjection = documentProjection<TriggerDefinitionView>({
  name: 'trigger_definitions',
  version: 1,
  eventTypes: ['TriggerDefinitionCreated', 'TriggerDefinitionReady'],
  keys: (event) =>
    event.type === 'TriggerDefinitionCreated' || event.type === 'TriggerDefinitionReady'
      ? [(event.data as { name: string }).name]
      : [],
  evolve: (view, event) => {
    const state = evolve(view ?? initialState(), { type: event.type, data: event.data } as TriggerDefinitionEvent);
    if (state.status === 'absent') return null;
    return {
      ...state,
      createdAt: view?.createdAt ?? event.metadata.occurredAt,
      createdBy: view ? view.createdBy : event.metadata.actor,
    };
  },
});
