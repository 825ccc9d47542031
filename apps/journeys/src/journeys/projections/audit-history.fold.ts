import type { TemplateSaved } from '../../templates/template.events';
import { displayState, evolve, initialState, type JourneyState } from '../journey.decider';
import { JOURNEY_EVENT_TYPES, type JourneyCommandRefused, type JourneyEvent } from '../journey.events';

/** One line of `GET /journeys/{id}/audit-history`. */
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  version?: number;
  outcome: 'accepted' | 'rejected' | 'refused' | 'pending';
  /** The state the entry's version reached (the journey's displayed state when the entry names no version). */
  state: string;
  /** The journey's displayed state after the entry, e.g. `Live, editing`. */
  journeyState: string;
  details: Record<string, unknown>;
}

/** What the history keeps per journey between events. */
export interface AuditTracked {
  state: JourneyState;
  /** The entry of a publish whose outcome (live or rejected) is still to come. */
  pendingPublish?: AuditEntry;
}

/**
 * A row the history writes: `append` adds a line; `pending` adds one whose outcome comes later;
 * `settle` replaces the journey's pending line with its outcome.
 */
export interface AuditWrite {
  kind: 'append' | 'pending' | 'settle';
  journeyId: string;
  entry: AuditEntry;
}

/** The stored event as the history reads it: type, data, and who did it when. */
export interface AuditedEvent {
  type: string;
  data: unknown;
  metadata: { occurredAt: string; actor?: string };
}

/** The event types the history reads. */
export const AUDIT_EVENT_TYPES: readonly string[] = [...JOURNEY_EVENT_TYPES, 'TemplateSaved', 'JourneyCommandRefused'];

/** The journeys an event adds lines to (a copy writes to its source and to the new journey). */
export function auditedJourneys(event: { type: string; data: unknown }): string[] {
  if (event.type === 'TemplateSaved') return [(event.data as TemplateSaved['data']).source.journeyId];
  if (event.type === 'JourneyCopied') {
    const data = event.data as Extract<JourneyEvent, { type: 'JourneyCopied' }>['data'];
    return [data.journeyId, data.source.journeyId];
  }
  if (event.type === 'JourneyCommandRefused' || JOURNEY_EVENT_TYPES.has(event.type)) {
    return [(event.data as { journeyId: string }).journeyId];
  }
  return [];
}

type Line = Omit<AuditEntry, 'at' | 'actor' | 'state' | 'journeyState'> & { state?: string };

const stateName = (t: AuditTracked) => (t.state.status === 'present' ? displayState(t.state) : 'absent');
const versionState = (t: AuditTracked, version: number | undefined) =>
  (t.state.status === 'present' && t.state.versions.find((v) => v.version === version)?.state) || stateName(t);

/** The lines one journey event adds, given the journey after it (a publish's outcome is settled apart). */
function lines(event: Exclude<JourneyEvent, { type: 'JourneyVersionWentLive' | 'JourneyPublishRejected' }>): Line[] {
  const accepted = (action: string, version: number, details: Record<string, unknown> = {}): Line => ({
    action,
    version,
    outcome: 'accepted',
    details,
  });
  switch (event.type) {
    case 'JourneyCreated':
      return [accepted('create', 1)];
    case 'JourneyCopied':
      return [accepted('create', 1, { copiedFrom: event.data.source })];
    case 'JourneyCreatedFromTemplate':
      return [accepted('create', 1, { template: event.data.template, overridden: event.data.overridden })];
    case 'JourneyDraftUpdated':
      return [accepted('update', event.data.version, { changes: event.data.changes })];
    case 'JourneyPublishRequested':
      return [{ action: 'publish', version: event.data.version, outcome: 'pending', details: {} }];
    case 'JourneyEditStarted':
      return [accepted('edit', event.data.version, { basedOn: event.data.basedOn })];
    case 'JourneyDraftDiscarded':
      // The version is gone from the journey's state: say what became of it.
      return [{ ...accepted('discard', event.data.version), state: 'Discarded' }];
    case 'JourneyVersionCompleting':
      return [accepted('complete', event.data.version, { reason: event.data.reason })];
    case 'JourneyVersionCompleted':
      return [accepted('completed', event.data.version)];
    case 'JourneyVersionStopRequested': {
      const { version, reason } = event.data;
      return [accepted('stop', version, reason ? { reason } : {})];
    }
    case 'JourneyVersionPaused': {
      const { version, endsAt, whenExceeded } = event.data;
      return [accepted('pause', version, { endsAt, whenExceeded })];
    }
    case 'JourneyVersionResumed':
      return [accepted('resume', event.data.version, { reason: event.data.reason })];
    case 'ExperimentConcluded': {
      const { version, stepId, result, winner } = event.data;
      return [accepted('concludeExperiment', version, { stepId, result, winner })];
    }
    case 'JourneyVersionStopped':
      return [accepted('stopped', event.data.version)];
    case 'JourneyVersionPartitionDone':
    case 'ExperimentFiguresReported':
      // Engine bookkeeping between partitions: the move it leads to is what the history shows.
      return [];
    default: {
      const unhandled: never = event;
      throw new Error(`Unhandled ${JSON.stringify(unhandled)}`);
    }
  }
}

type Tracked = Readonly<Record<string, AuditTracked>>;

/**
 * Pure: the journeys' tracked states after one event (only the journeys it names are read or
 * replaced) and the lines it writes, each with the state it left its journey in.
 */
export function evolveAudit(tracked: Tracked, event: AuditedEvent): { state: Tracked; writes: AuditWrite[] } {
  const next: Record<string, AuditTracked> = { ...tracked };
  const writes: AuditWrite[] = [];
  const get = (journeyId: string) => next[journeyId] ?? { state: initialState() };
  const entry = (journeyId: string, line: Line): AuditEntry => {
    const t = get(journeyId);
    return {
      at: event.metadata.occurredAt,
      actor: event.metadata.actor ?? 'system',
      ...line,
      state: line.state ?? versionState(t, line.version),
      journeyState: stateName(t),
    };
  };
  const append = (journeyId: string, line: Line) =>
    writes.push({ kind: 'append', journeyId, entry: entry(journeyId, line) });

  if (event.type === 'TemplateSaved') {
    const { source, templateId, name } = event.data as TemplateSaved['data'];
    append(source.journeyId, {
      action: 'saveAsTemplate',
      version: source.version,
      outcome: 'accepted',
      details: { templateId, name },
    });
    return { state: next, writes };
  }
  if (event.type === 'JourneyCommandRefused') {
    const { journeyId, action, version, error } = event.data as JourneyCommandRefused['data'];
    append(journeyId, { action, version, outcome: 'refused', details: { error } });
    return { state: next, writes };
  }
  if (!JOURNEY_EVENT_TYPES.has(event.type)) return { state: tracked, writes };

  const domain = { type: event.type, data: event.data } as JourneyEvent;
  const journeyId = domain.data.journeyId;
  const t: AuditTracked = { ...get(journeyId), state: evolve(get(journeyId).state, domain) };
  next[journeyId] = t;
  if (domain.type === 'JourneyVersionWentLive' || domain.type === 'JourneyPublishRejected') {
    const rejected = domain.type === 'JourneyPublishRejected';
    const outcome = rejected ? 'rejected' : 'accepted';
    const details = rejected ? { validationErrors: domain.data.validationErrors } : {};
    const pending = t.pendingPublish;
    next[journeyId] = { state: t.state };
    if (!pending) append(journeyId, { action: 'publish', version: domain.data.version, outcome, details });
    else {
      const settled = {
        ...pending,
        outcome,
        details,
        state: versionState(t, pending.version),
        journeyState: stateName(t),
      } as AuditEntry;
      writes.push({ kind: 'settle', journeyId, entry: settled });
    }
    return { state: next, writes };
  }
  for (const line of lines(domain)) {
    if (line.outcome !== 'pending') append(journeyId, line);
    else {
      const pending = entry(journeyId, line);
      next[journeyId] = { ...t, pendingPublish: pending };
      writes.push({ kind: 'pending', journeyId, entry: pending });
    }
  }
  if (domain.type === 'JourneyCopied') {
    const { source } = domain.data;
    append(source.journeyId, {
      action: 'copy',
      version: source.version,
      outcome: 'accepted',
      details: { copy: { journeyId, name: domain.data.name } },
    });
  }
  return { state: next, writes };
}

/** The history as one fold over every journey (for specs); the writer folds the journeys a batch names. */
export const auditHistoryFold = {
  initialState: (): Tracked => ({}),
  evolve: evolveAudit,
};
