import { WrongExpectedRevisionError, type EventStore, type NewEvent } from '@journeys/event-store';
import { SCHEMA_VERSION } from '../../common/command-context';
import { ConfigurationError } from '../../config/app-config';

/** The stream that records how many partitions the engine's state is split into. */
export const LAYOUT_STREAM = 'engine-layout';
/** The engine's state was laid out in `partitions` partitions (engine bookkeeping, never published). */
export const ENGINE_LAYOUT_SET = 'EngineLayoutSet';

/**
 * Pure: why a configured partition count cannot run on state laid out in `recorded` partitions
 * (undefined when it can). A customer's state is where the hash of their id put it; another count
 * would send their inputs to a partition that does not hold it, and fire their timers in one that
 * no longer owns them.
 */
export function layoutProblem(configured: number, recorded: number | undefined): string | undefined {
  if (recorded === undefined || recorded === configured) return undefined;
  return (
    `JOURNEYS_PARTITIONS is ${configured}, but this store's engine state is split into ${recorded} partition(s); ` +
    `start with JOURNEYS_PARTITIONS=${recorded} (the count is fixed once the engine has state)`
  );
}

/**
 * Checks the configured partition count against the one recorded in the store, recording it on the
 * first start. State from before the count was recorded was laid out in one partition.
 *
 * @param hasEarlierState whether the engine ran here before the layout was recorded.
 * @throws ConfigurationError naming both counts when they differ.
 */
export async function ensurePartitionLayout(
  events: EventStore,
  configured: number,
  hasEarlierState: () => Promise<boolean>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const recorded = await readLayout(events);
    const earlier = recorded ?? ((await hasEarlierState()) ? 1 : undefined);
    const problem = layoutProblem(configured, earlier);
    if (problem) throw new ConfigurationError([problem]);
    if (recorded !== undefined) return;
    try {
      await events.append(LAYOUT_STREAM, [layoutEvent(configured)], { expectedRevision: 'no_stream' });
      return;
    } catch (error) {
      // Another replica recorded it first: compare with what it wrote.
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= 3) throw error;
    }
  }
}

async function readLayout(events: EventStore): Promise<number | undefined> {
  const recorded = await events.readStream(LAYOUT_STREAM);
  const last = recorded[recorded.length - 1];
  return last ? (last.data as { partitions: number }).partitions : undefined;
}

function layoutEvent(partitions: number): NewEvent {
  const id = `engine-layout|${partitions}`;
  return {
    id,
    type: ENGINE_LAYOUT_SET,
    data: { partitions },
    metadata: {
      occurredAt: new Date().toISOString(),
      correlationId: id,
      causationId: id,
      actor: 'engine',
      schemaVersion: SCHEMA_VERSION,
    },
  };
}
