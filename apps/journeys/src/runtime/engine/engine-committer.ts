import type { EngineObserver } from '../engine-observer';
import { emptyChanges, type EngineStore } from '../engine-store/engine-store.port';
import type { PartitionLog } from '../engine-store/partition-log.port';
import { completedWhenEmpty } from '../rules/lifecycle';
import { parseVersionKey } from '../rules/routing';
import type { EngineBatch } from './engine-batch';
import type { JourneyCatalog } from './journey-catalog';
import type { LifecycleMoves } from './lifecycle-moves';

/**
 * How a unit of engine work takes effect: its events are appended first (ids derived from their
 * cause, so a unit decided again writes nothing twice), then its state commits (with the checkpoint,
 * for input batches), then the life-cycle moves it caused are made.
 */
export class EngineCommitter {
  constructor(
    private readonly log: PartitionLog,
    private readonly partition: number,
    private readonly state: EngineStore,
    private readonly catalog: () => JourneyCatalog,
    private readonly moves: LifecycleMoves,
    private readonly observer?: EngineObserver,
  ) {}

  /** Stores the batch's events (and, where the partition log keeps state, its changes and checkpoint). */
  append(batch: EngineBatch, checkpoint?: bigint): Promise<void> {
    return this.log.append(this.partition, batch.outputs, () => batch.changes(), checkpoint);
  }

  /** Once the batch's events are stored: commits its state, then makes the life-cycle moves it caused. */
  async commit(batch: EngineBatch, checkpoint?: bigint): Promise<void> {
    batch.commit(checkpoint);
    this.observer?.committed(batch.outputs);
    for (const key of batch.versionsTouched) {
      const { journeyId, version } = parseVersionKey(key);
      const move = completedWhenEmpty(
        this.catalog().version(journeyId, version),
        this.state.hasActive(journeyId, version),
      );
      if (move) batch.moves.push(move);
    }
    for (const move of batch.moves) await this.moves.make(move);
  }

  /** Appends, then commits: the whole of a unit that nothing else runs alongside (timers, job chunks). */
  async appendAndCommit(batch: EngineBatch): Promise<void> {
    await this.append(batch);
    await this.commit(batch);
  }

  /** Moves the checkpoint over inputs the engine has nothing to do for. */
  checkpointOnly(position: bigint): void {
    this.state.commit(NO_CHANGES, position);
  }
}

const NO_CHANGES = emptyChanges();
