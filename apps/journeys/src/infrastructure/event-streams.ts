import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { type CommandContext, toNewEvents } from '../common/command-context';
import { ConcurrentModification, StaleRevision } from '../common/errors';

export interface Decided<State> {
  state: State;
  /** The stream's revision after the command (the ETag of the aggregate). */
  revision: number;
  position: bigint;
  eventCount: number;
}

export interface StreamModel<State, Event> {
  initialState(): State;
  evolve(state: State, event: Event): State;
}

const MAX_ATTEMPTS = 5;
/** How long a command waits for the read models to include its events (read-your-writes). */
const READ_YOUR_WRITES_MS = 5_000;

/**
 * The thin command path every handler shares: read the stream, fold, decide, append with the
 * expected revision; on a concurrent write, decide again on the new state a few times.
 */
@Injectable()
export class EventStreams {
  private readonly logger = new Logger(EventStreams.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
  ) {}

  async load<State, Event>(
    stream: string,
    model: StreamModel<State, Event>,
  ): Promise<{ state: State; revision: number }> {
    const events = await this.store.readStream(stream);
    let state = model.initialState();
    for (const e of events) state = model.evolve(state, toDomain<Event>(e));
    return { state, revision: events.length ? events[events.length - 1].revision : -1 };
  }

  /**
   * Runs `decide` against the current state and appends its events. `ifMatch` is the revision the
   * caller last saw; a different current revision is refused with 412 before deciding.
   */
  async handle<State, Event extends { type: string; data: unknown }>(
    stream: string,
    model: StreamModel<State, Event>,
    decide: (state: State) => Event[],
    context: CommandContext,
    ifMatch?: number,
  ): Promise<Decided<State>> {
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(stream, model);
      if (ifMatch !== undefined && ifMatch !== revision) throw new StaleRevision(ifMatch, revision);
      const events = decide(state);
      if (!events.length) return { state, revision, position: -1n, eventCount: 0 };
      try {
        const result = await this.store.append(stream, toNewEvents(events, context), {
          expectedRevision: revision < 0 ? 'no_stream' : revision,
        });
        await this.awaitProjections(result.position);
        return {
          state: events.reduce(model.evolve, state),
          revision: result.nextExpectedRevision,
          position: result.position,
          eventCount: events.length,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // A refusal like any other (409, audited), not a bug: the client may retry.
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrentModification(stream);
      }
    }
  }

  /** Appends without a revision check (records such as refusals, which conflict with nothing). */
  async record(stream: string, events: { type: string; data: unknown }[], context: CommandContext): Promise<void> {
    const result = await this.store.append(stream, toNewEvents(events, context), { expectedRevision: 'any' });
    await this.awaitProjections(result.position);
  }

  /** Appends the first events of a new stream; a stream that exists already is a conflict. */
  async create(stream: string, events: { type: string; data: unknown }[], context: CommandContext): Promise<bigint> {
    const result = await this.store.append(stream, toNewEvents(events, context), { expectedRevision: 'no_stream' });
    await this.awaitProjections(result.position);
    return result.position;
  }

  private async awaitProjections(position: bigint): Promise<void> {
    try {
      await this.projections.waitFor(position, READ_YOUR_WRITES_MS);
    } catch {
      // The write is durable; only the read models lag. Reads will catch up.
      this.logger.warn(`Read models lag behind position ${position}`);
    }
  }
}

export function toDomain<Event>(recorded: RecordedEvent): Event {
  return { type: recorded.type, data: recorded.data } as Event;
}
