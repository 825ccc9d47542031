import {
  BACKWARDS,
  END,
  ErrorType,
  isCommandError,
  jsonEvent,
  type EventStoreDBClient,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { Checkpoint, CheckpointStore } from '../checkpoint-store';

/** Checkpoints kept per name; older ones go at the next scavenge. */
const KEPT_CHECKPOINTS = 10;
const CHECKPOINT_TYPE = '$JourneysCheckpoint';

/**
 * Checkpoints in EventStoreDB, the way EventStoreDB keeps those of its persistent subscriptions: a
 * system stream per name (`$journeys-checkpoint-<name>`, `$maxCount` 10) of `$`-typed events, so
 * `$all` readers that exclude system events (the adapter's subscriptions and reads) never see them.
 * Writing to a `$` stream needs a member of `$admins`, like reading `$all` does.
 */
export class EventStoreDbCheckpointStore implements CheckpointStore {
  private readonly bounded = new Set<string>();

  constructor(private readonly client: EventStoreDBClient) {}

  static streamOf(name: string): string {
    return `$journeys-checkpoint-${name}`;
  }

  async load(name: string): Promise<Checkpoint | undefined> {
    const read = this.client.readStream(EventStoreDbCheckpointStore.streamOf(name), {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    });
    // Read to its end: a read left before its end never finishes, and the client's dispose() waits for it.
    const found: ResolvedEvent[] = [];
    try {
      for await (const resolved of read) found.push(resolved);
    } catch (error) {
      if (error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND) {
        return undefined;
      }
      throw error;
    }
    const event = found[0]?.event;
    if (!event) return undefined;
    const data = event.data as { position?: unknown; version?: unknown };
    if (typeof data.position !== 'string' || typeof data.version !== 'number') {
      throw new Error(`Checkpoint ${name} is unreadable: ${JSON.stringify(event.data)}`);
    }
    return { position: BigInt(data.position), version: data.version };
  }

  async save(name: string, checkpoint: Checkpoint): Promise<void> {
    const stream = EventStoreDbCheckpointStore.streamOf(name);
    await this.client.appendToStream(
      stream,
      jsonEvent({
        type: CHECKPOINT_TYPE,
        data: { position: checkpoint.position.toString(), version: checkpoint.version },
      }),
    );
    if (this.bounded.has(name)) return;
    await this.client.setStreamMetadata(stream, { maxCount: KEPT_CHECKPOINTS });
    this.bounded.add(name);
  }
}
