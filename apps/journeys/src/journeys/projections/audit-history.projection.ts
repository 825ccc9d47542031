import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@journeys/event-store';
import type { Projection } from '@journeys/read-models';
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

interface Tracked {
  state: JourneyState;
  /** The entry of a publish whose outcome (live or rejected) is still to come. */
  pendingPublish?: number;
}

/**
 * Who did what to each journey, in order: every accepted command, every refusal (stored in the
 * journey's audit stream), every automatic move, with the state it left the journey in.
 */
export const auditHistoryProjection: Projection & {
  page(
    db: Database.Database,
    journeyId: string,
    after: number,
    limit: number,
  ): { entries: AuditEntry[]; next?: string };
} = {
  name: 'audit_history',
  version: 2,
  eventTypes: [...JOURNEY_EVENT_TYPES, 'TemplateSaved', 'JourneyCommandRefused'],
  setup(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS rm_audit_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      journey_id TEXT NOT NULL,
      entry TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS rm_audit_history_journey ON rm_audit_history (journey_id, id);
    CREATE TABLE IF NOT EXISTS rm_audit_journeys (journey_id TEXT PRIMARY KEY, tracked TEXT NOT NULL);`);
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS rm_audit_history; DROP TABLE IF EXISTS rm_audit_journeys;');
    this.setup(db);
  },
  apply(events, db) {
    const insert = db.prepare('INSERT INTO rm_audit_history (journey_id, entry) VALUES (?, ?)');
    const update = db.prepare('UPDATE rm_audit_history SET entry = ? WHERE id = ?');
    const readEntry = db.prepare('SELECT entry FROM rm_audit_history WHERE id = ?');
    const readTracked = db.prepare('SELECT tracked FROM rm_audit_journeys WHERE journey_id = ?');
    const cache = new Map<string, Tracked>();
    const tracked = (journeyId: string): Tracked => {
      let t = cache.get(journeyId);
      if (!t) {
        const row = readTracked.get(journeyId) as { tracked: string } | undefined;
        t = row ? (JSON.parse(row.tracked) as Tracked) : { state: initialState() };
        cache.set(journeyId, t);
      }
      return t;
    };
    const stateName = (t: Tracked) => (t.state.status === 'present' ? displayState(t.state) : 'absent');
    const versionState = (t: Tracked, version: number | undefined) =>
      (t.state.status === 'present' && t.state.versions.find((v) => v.version === version)?.state) || stateName(t);
    const add = (
      journeyId: string,
      event: RecordedEvent,
      entry: Omit<AuditEntry, 'at' | 'actor' | 'state' | 'journeyState'> & { state?: string },
    ) => {
      const t = tracked(journeyId);
      const full: AuditEntry = {
        at: event.metadata.occurredAt,
        actor: event.metadata.actor ?? 'system',
        ...entry,
        state: entry.state ?? versionState(t, entry.version),
        journeyState: stateName(t),
      };
      return Number(insert.run(journeyId, JSON.stringify(full)).lastInsertRowid);
    };

    for (const event of events) {
      if (event.type === 'TemplateSaved') {
        const { source, templateId, name } = (event as unknown as TemplateSaved).data;
        add(source.journeyId, event, {
          action: 'saveAsTemplate',
          version: source.version,
          outcome: 'accepted',
          details: { templateId, name },
        });
        continue;
      }
      if (event.type === 'JourneyCommandRefused') {
        const { journeyId, action, version, error } = (event as unknown as JourneyCommandRefused).data;
        add(journeyId, event, { action, version, outcome: 'refused', details: { error } });
        continue;
      }
      if (!JOURNEY_EVENT_TYPES.has(event.type)) continue;
      const domain = { type: event.type, data: event.data } as JourneyEvent;
      const t = tracked(domain.data.journeyId);
      t.state = evolve(t.state, domain);
      const journeyId = domain.data.journeyId;
      switch (domain.type) {
        case 'JourneyCreated':
          add(journeyId, event, { action: 'create', version: 1, outcome: 'accepted', details: {} });
          break;
        case 'JourneyCopied': {
          const { source } = domain.data;
          add(journeyId, event, { action: 'create', version: 1, outcome: 'accepted', details: { copiedFrom: source } });
          add(source.journeyId, event, {
            action: 'copy',
            version: source.version,
            outcome: 'accepted',
            details: { copy: { journeyId, name: domain.data.name } },
          });
          break;
        }
        case 'JourneyCreatedFromTemplate':
          add(journeyId, event, {
            action: 'create',
            version: 1,
            outcome: 'accepted',
            details: { template: domain.data.template, overridden: domain.data.overridden },
          });
          break;
        case 'JourneyDraftUpdated':
          add(journeyId, event, {
            action: 'update',
            version: domain.data.version,
            outcome: 'accepted',
            details: { changes: domain.data.changes },
          });
          break;
        case 'JourneyPublishRequested':
          t.pendingPublish = add(journeyId, event, {
            action: 'publish',
            version: domain.data.version,
            outcome: 'pending',
            details: {},
          });
          break;
        case 'JourneyVersionWentLive':
        case 'JourneyPublishRejected': {
          const rejected = domain.type === 'JourneyPublishRejected';
          const details = rejected ? { validationErrors: domain.data.validationErrors } : {};
          const row =
            t.pendingPublish === undefined
              ? undefined
              : (readEntry.get(t.pendingPublish) as { entry: string } | undefined);
          if (row) {
            const entry = JSON.parse(row.entry) as AuditEntry;
            update.run(
              JSON.stringify({
                ...entry,
                outcome: rejected ? 'rejected' : 'accepted',
                state: versionState(t, entry.version),
                journeyState: stateName(t),
                details,
              }),
              t.pendingPublish,
            );
          } else {
            add(journeyId, event, {
              action: 'publish',
              version: domain.data.version,
              outcome: rejected ? 'rejected' : 'accepted',
              details,
            });
          }
          t.pendingPublish = undefined;
          break;
        }
        case 'JourneyEditStarted':
          add(journeyId, event, {
            action: 'edit',
            version: domain.data.version,
            outcome: 'accepted',
            details: { basedOn: domain.data.basedOn },
          });
          break;
        case 'JourneyDraftDiscarded':
          add(journeyId, event, {
            action: 'discard',
            version: domain.data.version,
            outcome: 'accepted',
            // The version is gone from the journey's state: say what became of it.
            state: 'Discarded',
            details: {},
          });
          break;
        case 'JourneyVersionCompleting':
          add(journeyId, event, {
            action: 'complete',
            version: domain.data.version,
            outcome: 'accepted',
            details: { reason: domain.data.reason },
          });
          break;
        case 'JourneyVersionCompleted':
          add(journeyId, event, {
            action: 'completed',
            version: domain.data.version,
            outcome: 'accepted',
            details: {},
          });
          break;
        case 'JourneyVersionStopRequested': {
          const { version, reason } = domain.data;
          add(journeyId, event, { action: 'stop', version, outcome: 'accepted', details: reason ? { reason } : {} });
          break;
        }
        case 'JourneyVersionPaused': {
          const { version, endsAt, whenExceeded } = domain.data;
          add(journeyId, event, { action: 'pause', version, outcome: 'accepted', details: { endsAt, whenExceeded } });
          break;
        }
        case 'JourneyVersionResumed': {
          const { version, reason } = domain.data;
          add(journeyId, event, { action: 'resume', version, outcome: 'accepted', details: { reason } });
          break;
        }
        case 'JourneyVersionStopped':
          add(journeyId, event, { action: 'stopped', version: domain.data.version, outcome: 'accepted', details: {} });
          break;
        case 'JourneyVersionPartitionDone':
        case 'ExperimentFiguresReported':
          // Engine bookkeeping between partitions: the move it leads to is what the history shows.
          break;
        case 'ExperimentConcluded': {
          const { version, stepId, result, winner } = domain.data;
          add(journeyId, event, {
            action: 'concludeExperiment',
            version,
            outcome: 'accepted',
            details: { stepId, result, winner },
          });
          break;
        }
        default: {
          const unhandled: never = domain;
          throw new Error(`Unhandled ${JSON.stringify(unhandled)}`);
        }
      }
    }
    const save = db.prepare(
      'INSERT INTO rm_audit_journeys (journey_id, tracked) VALUES (?, ?) ON CONFLICT(journey_id) DO UPDATE SET tracked = excluded.tracked',
    );
    for (const [journeyId, t] of cache) save.run(journeyId, JSON.stringify(t));
  },
  page(db, journeyId, after, limit) {
    const rows = db
      .prepare('SELECT id, entry FROM rm_audit_history WHERE journey_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(journeyId, after, limit + 1) as { id: number; entry: string }[];
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r) => JSON.parse(r.entry) as AuditEntry),
      next: rows.length > limit ? String(page[page.length - 1].id) : undefined,
    };
  },
};
