import { isDeepStrictEqual } from 'node:util';
import type { ProblemDetail } from '../common/errors';

/**
 * The idempotency rule for trigger and segment-change ids, as payment APIs apply it to idempotency
 * keys. The scope of an id is one customer: the same id for two customers names two messages (a
 * customer's inputs are decided by one partition, which checks its own customers' ids without asking
 * any other). Within the scope, the same id with the same content is a duplicate (accepted, ignored,
 * counted in `duplicates`); the same id with other content is refused with `IdempotencyKeyReused`
 * (HTTP: listed in `refused`; Kafka: a dead letter), and the first message stands.
 *
 * Content is every field of the message but the stamp the service adds on receipt; instants compare
 * as instants (`...:00Z` and `...:00.000Z` are the same).
 */
export const IDEMPOTENCY_KEY_REUSED = 'IdempotencyKeyReused';

const SERVICE_FIELDS = new Set(['receivedAt', 'chain']);
const INSTANT_FIELDS = new Set(['occurredAt']);

/** The fields whose values differ between a stored message and an offered one (empty: a duplicate). */
export function differingFields(stored: Record<string, unknown>, offered: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(stored), ...Object.keys(offered)].filter((name) => !SERVICE_FIELDS.has(name)));
  return [...names].filter((name) => !sameValue(name, stored[name], offered[name])).sort();
}

function sameValue(name: string, a: unknown, b: unknown): boolean {
  if (INSTANT_FIELDS.has(name) && typeof a === 'string' && typeof b === 'string') {
    const [x, y] = [Date.parse(a), Date.parse(b)];
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x === y;
  }
  return isDeepStrictEqual(a, b);
}

/** The refusal of a message that reuses `id` with other content. */
export function keyReused(
  kind: 'trigger' | 'segment change' | 'consent record',
  id: string,
  fields: readonly string[],
): ProblemDetail {
  return {
    code: IDEMPOTENCY_KEY_REUSED,
    path: '$.id',
    message:
      `${kind} id ${id} was already used for this customer with other content (${fields.join(', ')} differ); ` +
      'a message with the same id must carry the same content, a new message needs a new id',
  };
}
