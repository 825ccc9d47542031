import { WrongExpectedRevisionError, type EventMetadata, type EventStore, type NewEvent } from '@journeys/event-store';
import { randomUUID } from 'node:crypto';
import { SCHEMA_VERSION } from '../../common/command-context';
import type { EngineChanges, EngineStore } from './engine-store.port';
import { PartitionFencedError, type PartitionLog } from './partition-log.port';

/** The stream of one engine partition: every event its units stored, each unit closed by its changes. */
export const partitionStream = (partition: number): string => `partition-${partition}`;

/** Closes a unit in the partition stream: the state changes it made and the input checkpoint it reached. */
export const PARTITION_COMMITTED = 'PartitionCommitted';
/** A process took the partition over; every earlier writer's next append fails. */
export const PARTITION_CLAIMED = 'PartitionClaimed';
/** The engine's own bookkeeping in partition streams: not part of the downstream contract, never published. */
export const ENGINE_LOG_EVENT_TYPES: ReadonlySet<string> = new Set([PARTITION_COMMITTED, PARTITION_CLAIMED]);

/** Largest append to the partition stream (bytes of event data, roughly): a unit larger is stored in parts. */
const MAX_APPEND_BYTES = 512 * 1024;
/** Events read per page while restoring. */
const RESTORE_PAGE = 1_000;
/** A claim that keeps meeting appends of the previous writer tries again this many times. */
const CLAIM_ATTEMPTS = 10;

interface CommittedData {
  partition: number;
  /** The process that wrote the unit. */
  owner: string;
  /** A unit's changes may take several events; the last one says so and carries the checkpoint. */
  last: boolean;
  checkpoint?: string;
  changes: Partial<EngineChanges>;
}

/**
 * The partition log in the event store (EventStoreDB), for replicas that split the partitions.
 *
 * Each unit of a partition's work is one or more appends to the partition's stream
 * (`partition-<p>`), every one with the exact expected revision this writer last saw: its events,
 * then a `PartitionCommitted` event with its state changes and checkpoint. A process that takes the
 * partition over restores the state from those changes and appends `PartitionClaimed`, so the
 * previous writer's next append, whatever it holds, fails with a revision conflict: a stale owner
 * (paused, cut off) writes no state and no event after losing the partition. A unit whose parts were
 * not all stored before a crash has no `PartitionCommitted`; the new writer decides its inputs again
 * with the same event ids, which the store keeps once.
 */
export class StreamPartitionLog implements PartitionLog {
  /** The revision this process last wrote, per partition it writes. */
  private readonly revisions = new Map<number, number>();
  /** Appends of one partition, in order: each needs the revision the one before it left. */
  private readonly chains = new Map<number, Promise<boolean>>();

  constructor(
    private readonly events: EventStore,
    private readonly owner: string,
    private readonly now: () => Date,
  ) {}

  async acquire(partition: number, store: EngineStore): Promise<void> {
    store.drop();
    let revision = await this.restore(partition, store, -1);
    for (let attempt = 1; ; attempt++) {
      try {
        const claim = this.event(`claim|${partition}|${this.owner}|${revision}`, PARTITION_CLAIMED, {
          partition,
          owner: this.owner,
        });
        const expectedRevision = revision < 0 ? 'no_stream' : revision;
        const result = await this.events.append(partitionStream(partition), [claim], { expectedRevision });
        this.revisions.set(partition, result.nextExpectedRevision);
        this.chains.set(partition, Promise.resolve(true));
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= CLAIM_ATTEMPTS) throw error;
        // The previous writer stored more meanwhile: take it in, then claim again.
        revision = await this.restore(partition, store, revision);
      }
    }
  }

  append(
    partition: number,
    outputs: ReadonlyMap<string, readonly NewEvent[]>,
    changes: () => EngineChanges,
    checkpoint?: bigint,
  ): Promise<void> {
    const previous = this.chains.get(partition) ?? Promise.resolve(false);
    const next = previous.then((writable) => {
      if (!writable) throw new PartitionFencedError(partition);
      return this.appendUnit(partition, outputs, changes(), checkpoint);
    });
    // After a failure nothing is known of the stream: the partition must be acquired again.
    this.chains.set(
      partition,
      next.then(
        () => true,
        () => false,
      ),
    );
    return next;
  }

  /** Stops writing for the partition (it moved away); its next append fails. */
  release(partition: number): void {
    this.revisions.delete(partition);
    this.chains.delete(partition);
  }

  private async appendUnit(
    partition: number,
    outputs: ReadonlyMap<string, readonly NewEvent[]>,
    changes: EngineChanges,
    checkpoint: bigint | undefined,
  ): Promise<void> {
    const events: NewEvent[] = [];
    for (const list of outputs.values()) for (const event of list) events.push(event);
    // A unit that only moves the checkpoint is not logged: a new owner reads those inputs again, and
    // they change nothing.
    if (!events.length && isEmpty(changes)) return;
    const pieces = splitChanges(changes);
    const unit = randomUUID();
    pieces.forEach((piece, i) => {
      const last = i === pieces.length - 1;
      const committed: CommittedData = { partition, owner: this.owner, last, changes: piece };
      if (last && checkpoint !== undefined) committed.checkpoint = checkpoint.toString();
      // Applying a unit's changes twice leaves the same state, so these ids need not be derived.
      events.push(this.event(`committed|${partition}|${unit}|${i}`, PARTITION_COMMITTED, committed));
    });
    for (const part of parts(events)) {
      const revision = this.revisions.get(partition);
      if (revision === undefined) throw new PartitionFencedError(partition);
      try {
        const result = await this.events.append(partitionStream(partition), part, { expectedRevision: revision });
        this.revisions.set(partition, result.nextExpectedRevision);
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) {
          this.release(partition);
          throw new PartitionFencedError(partition);
        }
        throw error;
      }
    }
  }

  /**
   * Applies every committed unit of the partition stream after `after` to `store`; returns the
   * revision of the stream's last event (-1 when the stream does not exist).
   */
  private async restore(partition: number, store: EngineStore, after: number): Promise<number> {
    let revision = after;
    // The pieces of a unit are applied together once its last one is read: a unit cut short by a
    // crash leaves the state as it was before it.
    let unit: CommittedData[] = [];
    for (;;) {
      const page = await this.events.readStream(partitionStream(partition), {
        fromRevision: revision + 1,
        maxCount: RESTORE_PAGE,
      });
      for (const event of page) {
        if (event.type === PARTITION_CLAIMED) unit = [];
        if (event.type !== PARTITION_COMMITTED) continue;
        const piece = event.data as CommittedData;
        unit.push(piece);
        if (!piece.last) continue;
        applyUnit(store, unit);
        unit = [];
      }
      if (page.length) revision = page[page.length - 1].revision;
      if (page.length < RESTORE_PAGE) return revision;
    }
  }

  private event(id: string, type: string, data: unknown): NewEvent {
    const metadata: EventMetadata = {
      occurredAt: this.now().toISOString(),
      correlationId: id,
      causationId: id,
      actor: 'engine',
      schemaVersion: SCHEMA_VERSION,
    };
    return { id, type, data, metadata };
  }
}

function isEmpty(changes: EngineChanges): boolean {
  return Object.values(changes).every((list: readonly unknown[]) => list.length === 0);
}

function applyUnit(store: EngineStore, pieces: readonly CommittedData[]): void {
  const changes = emptyChanges();
  for (const piece of pieces) {
    for (const key of CHANGE_KEYS) (changes[key] as unknown[]).push(...((piece.changes[key] ?? []) as unknown[]));
  }
  const { checkpoint } = pieces[pieces.length - 1];
  store.commit(changes, checkpoint === undefined ? undefined : BigInt(checkpoint));
}

const CHANGE_KEYS = Object.keys(emptyChanges()) as (keyof EngineChanges)[];

function emptyChanges(): EngineChanges {
  return {
    journeys: [],
    instances: [],
    entries: [],
    memberships: [],
    profiles: [],
    timersRemoved: [],
    timersAdded: [],
    actionsAdded: [],
    actionsCancelled: [],
    jobsSaved: [],
    jobsRemoved: [],
  };
}

/** A unit's changes in pieces of about {@link MAX_APPEND_BYTES} each, in order; at least one. */
function splitChanges(changes: EngineChanges): Partial<EngineChanges>[] {
  const pieces: Partial<EngineChanges>[] = [];
  let piece: Partial<EngineChanges> = {};
  let bytes = 0;
  for (const key of CHANGE_KEYS) {
    for (const item of changes[key] as unknown[]) {
      const size = JSON.stringify(item).length;
      if (bytes > 0 && bytes + size > MAX_APPEND_BYTES / 2) {
        pieces.push(piece);
        piece = {};
        bytes = 0;
      }
      ((piece[key] ??= []) as unknown[]).push(item);
      bytes += size;
    }
  }
  pieces.push(piece);
  return pieces;
}

/** The unit's events in appends of at most {@link MAX_APPEND_BYTES} (one event larger goes alone). */
function parts(events: readonly NewEvent[]): NewEvent[][] {
  const result: NewEvent[][] = [];
  let current: NewEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = JSON.stringify(event.data).length + 200;
    if (current.length && bytes + size > MAX_APPEND_BYTES) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length) result.push(current);
  return result;
}
