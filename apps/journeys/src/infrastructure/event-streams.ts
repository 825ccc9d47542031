import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { commandEventId, type CommandContext, toNewEvents } from '../common/command-context';
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
 * expected revision; on a concurrent write, decide again on the new state a few times. A command
 * that names its id (see CommandContext) and whose events the stream already holds is not decided
 * again: it was applied (the process died before recording its outcome), and its result is the
 * state right after its events.
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
    const { state, revision } = await this.read(stream, model);
    return { state, revision };
  }

  /** The result of the context's command if `stream` already holds its events; undefined otherwise. */
  async applied<State, Event>(
    stream: string,
    model: StreamModel<State, Event>,
    context: CommandContext,
  ): Promise<Decided<State> | undefined> {
    return context.commandId === undefined ? undefined : (await this.read(stream, model, context)).applied;
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
      const { state, revision, applied } = await this.read(stream, model, context);
      if (applied) return applied;
      if (ifMatch !== undefined && ifMatch !== revision) throw new StaleRevision(ifMatch, revision);
      const events = decide(state);
      if (!events.length) return { state, revision, position: -1n, eventCount: 0 };
      try {
        const result = await this.store.append(stream, toNewEvents(events, context, stream), {
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
    const result = await this.store.append(stream, toNewEvents(events, context, stream), { expectedRevision: 'any' });
    await this.awaitProjections(result.position);
  }

  /**
   * Appends the first events of a new stream; a stream that exists already is a conflict, unless it
   * holds exactly these events of this command (a re-run: the ids repeat, nothing is written).
   */
  async create(stream: string, events: { type: string; data: unknown }[], context: CommandContext): Promise<bigint> {
    const result = await this.store.append(stream, toNewEvents(events, context, stream), {
      expectedRevision: 'no_stream',
    });
    await this.awaitProjections(result.position);
    return result.position;
  }

  /** Folds the stream; with a command id, also finds the command's own events (appended together). */
  private async read<State, Event>(
    stream: string,
    model: StreamModel<State, Event>,
    context?: CommandContext,
  ): Promise<{ state: State; revision: number; applied?: Decided<State> }> {
    const events = await this.store.readStream(stream);
    const commandId = context?.commandId;
    let state = model.initialState();
    let applied: Decided<State> | undefined;
    for (const e of events) {
      state = model.evolve(state, toDomain<Event>(e));
      const index = applied?.eventCount ?? 0;
      if (commandId !== undefined && e.id === commandEventId(commandId, stream, index)) {
        applied = { state, revision: e.revision, position: e.position, eventCount: index + 1 };
      }
    }
    return { state, revision: events.length ? events[events.length - 1].revision : -1, applied };
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
