import type { BatchHandler } from '@journeys/messaging';
import { IDEMPOTENCY_KEY_REUSED } from '../ingestion/idempotency';
import type { IngestResult } from '../ingestion/ingestion.port';

/**
 * `journeys.triggers` / `journeys.segments` into the one intake path HTTP uses. The intake stores
 * the accepted messages before it resolves; the messages it refuses become dead letters.
 */
export function ingestionHandler(ingest: (messages: readonly unknown[]) => Promise<IngestResult>): BatchHandler {
  return async (messages) => {
    const { refused } = await ingest(messages.map((m) => m.value));
    return {
      deadLetters: refused.map(({ index, errors }) => ({
        index,
        reason: errors.every((e) => e.code === IDEMPOTENCY_KEY_REUSED)
          ? ('IDEMPOTENCY_KEY_REUSED' as const)
          : ('VALIDATION_FAILED' as const),
        message: `${errors.length} problem(s) in the message`,
        errors,
      })),
    };
  };
}
