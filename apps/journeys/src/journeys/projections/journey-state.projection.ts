import type { RecordedEvent } from '@journeys/event-store';
import { documentProjection } from '@journeys/read-models';
import {
  ALLOWED_ACTIONS,
  displayState,
  evolve,
  initialState,
  type DisplayState,
  type JourneyState,
  type JourneyVersion,
} from '../journey.decider';
import { JOURNEY_EVENT_TYPES, type JourneyEvent } from '../journey.events';

/** What `GET /journeys/{id}` returns: the decider's state plus revision and timestamps. */
export interface JourneyView {
  id: string;
  name: string;
  state: DisplayState;
  revision: number;
  createdAt: string;
  createdBy?: string;
  updatedAt: string;
  versions: JourneyVersion[];
  lastVersion: number;
}

function toView(previous: JourneyView | null, state: JourneyState, event: RecordedEvent): JourneyView | null {
  if (state.status !== 'present') return null;
  return {
    id: state.journeyId,
    name: state.name,
    state: displayState(state),
    revision: event.revision,
    createdAt: previous?.createdAt ?? event.metadata.occurredAt,
    createdBy: previous ? previous.createdBy : event.metadata.actor,
    updatedAt: event.metadata.occurredAt,
    versions: state.versions,
    lastVersion: state.lastVersion,
  };
}

function stateOf(view: JourneyView | null): JourneyState {
  return view
    ? { status: 'present', journeyId: view.id, name: view.name, versions: view.versions, lastVersion: view.lastVersion }
    : initialState();
}

/** Normalised journey name for the uniqueness check. */
export const nameKey = (name: string) => name.trim().toLowerCase();

/** Current state of every journey, by id, with its state and name as query columns. */
export const journeyStateProjection = documentProjection<JourneyView>({
  name: 'journey_state',
  version: 1,
  eventTypes: [...JOURNEY_EVENT_TYPES],
  keys: (event) => (JOURNEY_EVENT_TYPES.has(event.type) ? [(event.data as { journeyId: string }).journeyId] : []),
  evolve: (view, event) => toView(view, evolve(stateOf(view), event as unknown as JourneyEvent), event),
  columns: { state: (view) => view.state, name_key: (view) => nameKey(view.name) },
});

/** The body of `GET /journeys/{id}` (REST and Kafka command results alike). */
export function journeyDetail(view: JourneyView) {
  return {
    id: view.id,
    name: view.name,
    state: view.state,
    revision: view.revision,
    createdAt: view.createdAt,
    createdBy: view.createdBy,
    updatedAt: view.updatedAt,
    /** The user actions the displayed state allows (stop applies to a Live, Paused or Completing version; pause to a Live one). */
    allowedActions: ALLOWED_ACTIONS[view.state],
    versions: view.versions.map(({ version, state, validationErrors, pause, experiments }) => ({
      version,
      state,
      validationErrors,
      ...(pause && { pause }),
      ...(experiments && { experiments: concludedExperiments(experiments) }),
    })),
  };
}

/** A version's experiments as `GET /journeys/{id}` shows them: by split step, its conclusion or null while it runs. */
function concludedExperiments(experiments: NonNullable<JourneyVersion['experiments']>) {
  return Object.fromEntries(
    Object.entries(experiments).map(([stepId, e]) => [stepId, { concluded: e.conclusion ?? null }]),
  );
}
