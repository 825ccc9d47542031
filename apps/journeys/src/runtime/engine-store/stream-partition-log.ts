import { WrongExpectedRevisionError, type EventMetadata, type EventStore, type NewEvent } from '@journeys/event-store';
import { randomUUID } from 'node:crypto';
import { SCHEMA_VERSION } from '../../common/command-context';
import { ENGINE_LAYOUT_SET } from '../partitions/partition-layout';
import type { EngineChanges, EngineStore } from './engine-store.port';
import { applyUnit, isEmpty, parts, splitChanges, type CommittedData } from './partition-units';
import { PartitionFencedError, type PartitionLog } from './partition-log.port';

/** The stream of one engine partition: every event its units stored, each unit closed by its changes. */
export const partitionStream = (partition: number): string => `partition-${partition}`;

/** Closes a unit in the partition stream: the state changes it made and the input checkpoint it reached. */
export const PARTITION_COMMITTED = 'PartitionCommitted';
/** A process took the partition over; every earlier writer's next append fails. */
export const PARTITION_CLAIMED = 'PartitionClaimed';
/** A piece of a snapshot of a partition's state (stream `partitionSnapshot-<p>-<revision>-<attempt>`). */
export const PARTITION_SNAPSHOT_PIECE = 'PartitionSnapshotPiece';
/** Points to the latest snapshot of a partition (stream `partitionSnapshots-<p>`). */
export const PARTITION_SNAPSHOT_TAKEN = 'PartitionSnapshotTaken';
/** The engine's own bookkeeping: not part of the downstream contract, never published. */
export const ENGINE_LOG_EVENT_TYPES: ReadonlySet<string> = new Set([
  ENGINE_LAYOUT_SET,
  PARTITION_COMMITTED,
  PARTITION_CLAIMED,
  PARTITION_SNAPSHOT_PIECE,
  PARTITION_SNAPSHOT_TAKEN,
]);

/** Points to a partition's snapshots, latest last. */
export const snapshotsStream = (partition: number): string => `partitionSnapshots-${partition}`;
/**
 * The stream of one snapshot's pieces, unique to the attempt: a snapshot that failed half-way and is
 * taken again at the same revision (or by another process) never mixes its pieces with the first's.
 */
const snapshotStream = (partition: number, revision: number): string =>
  `partitionSnapshot-${partition}-${revision}-${randomUUID().slice(0, 8)}`;

/** Units written since the last snapshot before a new one is due: at least this much, and twice the last snapshot. */
const SNAPSHOT_MIN_BYTES = 32 * 1024 * 1024;

interface SnapshotTaken {
  partition: number;
  stream: string;
  /** The partition stream's revision the snapshot holds the state of. */
  revision: number;
  bytes: number;
}

/** Events read per page while restoring. */
const RESTORE_PAGE = 1_000;
/** A claim that keeps meeting appends of the previous writer tries again this many times. */
const CLAIM_ATTEMPTS = 10;

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
 * with the same event ids, which the store keeps once: they lie in the stream's last events, inside
 * the EventStoreDB adapter's idempotency window (20,000 events; a unit holds at most one batch of
 * 2,000 inputs or customers).
 */
export class StreamPartitionLog implements PartitionLog {
  /** The revision this process last wrote, per partition it writes. */
  private readonly revisions = new Map<number, number>();
  /** Appends of one partition, in order: each needs the revision the one before it left. */
  private readonly chains = new Map<number, Promise<boolean>>();
  /** Per partition: bytes of units written since the last snapshot, and that snapshot's size. */
  private readonly written = new Map<number, { since: number; snapshot: number }>();
  /** Snapshots being stored, per partition: at most one at a time. */
  private readonly snapshotting = new Map<number, Promise<void>>();

  constructor(
    private readonly events: EventStore,
    private readonly owner: string,
    private readonly now: () => Date,
  ) {}

  async acquire(partition: number, store: EngineStore): Promise<void> {
    const localCheckpoint = store.checkpoint();
    const local = localCheckpoint !== undefined ? store.snapshot() : undefined;
    store.drop();
    const snapshot = await this.latestSnapshot(partition);
    if (snapshot) await this.restoreSnapshot(snapshot, store);
    let revision = await this.restore(partition, store, snapshot?.revision ?? -1);
    this.written.set(partition, { since: 0, snapshot: snapshot?.bytes ?? 0 });
    if (revision < 0 && local) {
      // A state file from before partition logs, and no log yet: the log starts from the file.
      store.commit(local, localCheckpoint);
      revision = await this.startFrom(partition, local, localCheckpoint);
    }
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

  async holds(partition: number): Promise<boolean> {
    if (!(await this.chains.get(partition))) return false;
    const revision = this.revisions.get(partition);
    if (revision === undefined) return false;
    const after = await this.events.readStream(partitionStream(partition), { fromRevision: revision + 1, maxCount: 1 });
    return after.length === 0;
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

  snapshotDue(partition: number): boolean {
    const written = this.written.get(partition);
    if (written === undefined || this.snapshotting.has(partition)) return false;
    return written.since > Math.max(SNAPSHOT_MIN_BYTES, 2 * written.snapshot);
  }

  snapshot(partition: number, store: EngineStore): Promise<void> {
    const revision = this.revisions.get(partition);
    if (revision === undefined) return Promise.resolve();
    // Read now, while the store holds exactly the log up to `revision`; stored beside the engine's
    // work, since a large partition's snapshot takes seconds (29 MB at 20,000 waiting customers).
    const state = store.snapshot();
    const checkpoint = store.checkpoint();
    const sinceBefore = this.written.get(partition)?.since ?? 0;
    // Units written while it is stored count towards the next one. One that failed is tried again
    // when the threshold is passed again, not at every tick while the store refuses.
    const restart = (snapshot: number | undefined) => {
      const written = this.written.get(partition);
      if (!written) return;
      this.written.set(partition, {
        since: Math.max(0, written.since - sinceBefore),
        snapshot: snapshot ?? written.snapshot,
      });
    };
    const storing = this.storeSnapshot(partition, revision, state, checkpoint)
      .then(restart, (error: unknown) => {
        restart(undefined);
        throw error;
      })
      .finally(() => this.snapshotting.delete(partition));
    this.snapshotting.set(partition, storing);
    return storing;
  }

  async snapshotsStored(): Promise<void> {
    await Promise.allSettled([...this.snapshotting.values()]);
  }

  /** Stores the pieces of a snapshot, then the pointer to it; its size in bytes. */
  private async storeSnapshot(
    partition: number,
    revision: number,
    state: EngineChanges,
    checkpoint: bigint | undefined,
  ): Promise<number> {
    const stream = snapshotStream(partition, revision);
    let bytes = 0;
    for (const piece of splitChanges(state)) {
      const data = { partition, changes: piece };
      bytes += JSON.stringify(data).length;
      await this.events.append(stream, [this.event(randomUUID(), PARTITION_SNAPSHOT_PIECE, data)], {
        expectedRevision: 'any',
      });
    }
    const taken: SnapshotTaken & { checkpoint?: string } = { partition, stream, revision, bytes };
    if (checkpoint !== undefined) taken.checkpoint = checkpoint.toString();
    await this.events.append(snapshotsStream(partition), [this.event(randomUUID(), PARTITION_SNAPSHOT_TAKEN, taken)], {
      expectedRevision: 'any',
    });
    return bytes;
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
    const written = this.written.get(partition);
    if (written) written.since += pieces.reduce((sum, piece) => sum + JSON.stringify(piece).length, 0);
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

  /** The latest snapshot pointer of the partition, if any. */
  private async latestSnapshot(partition: number): Promise<SnapshotTaken | undefined> {
    let latest: SnapshotTaken | undefined;
    for (let from = 0; ; from += RESTORE_PAGE) {
      const page = await this.events.readStream(snapshotsStream(partition), {
        fromRevision: from,
        maxCount: RESTORE_PAGE,
      });
      if (page.length) latest = page[page.length - 1].data as SnapshotTaken;
      if (page.length < RESTORE_PAGE) return latest;
    }
  }

  private async restoreSnapshot(snapshot: SnapshotTaken & { checkpoint?: string }, store: EngineStore): Promise<void> {
    const pieces = (await this.events.readStream(snapshot.stream)).map((e) => ({
      ...(e.data as { partition: number; changes: Partial<EngineChanges> }),
      owner: '',
      last: false,
    }));
    if (!pieces.length) return;
    pieces[pieces.length - 1].last = true;
    applyUnit(store, [
      ...pieces.slice(0, -1),
      { ...pieces[pieces.length - 1], ...(snapshot.checkpoint !== undefined && { checkpoint: snapshot.checkpoint }) },
    ]);
  }

  /** Writes a state file's whole state as the first unit of a partition log that does not exist yet. */
  private async startFrom(partition: number, state: EngineChanges, checkpoint?: bigint): Promise<number> {
    let revision = -1;
    const pieces = splitChanges(state);
    const unit = randomUUID();
    const events = pieces.map((piece, i) => {
      const last = i === pieces.length - 1;
      const committed: CommittedData = { partition, owner: this.owner, last, changes: piece };
      if (last && checkpoint !== undefined) committed.checkpoint = checkpoint.toString();
      return this.event(`committed|${partition}|${unit}|${i}`, PARTITION_COMMITTED, committed);
    });
    for (const part of parts(events)) {
      const result = await this.events.append(partitionStream(partition), part, {
        expectedRevision: revision < 0 ? 'no_stream' : revision,
      });
      revision = result.nextExpectedRevision;
    }
    return revision;
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
