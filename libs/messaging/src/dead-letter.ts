import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-depth';
/**
 * Why a message went to the dead-letter topic. Every reason is final: retrying the same bytes can
 * never succeed, so the partition moves on.
 */
export const DEAD_LETTER_REASONS = [
  'TOO_LARGE',
  'BAD_JSON',
  'NOT_AN_OBJECT',
  'UNKNOWN_COMMAND_TYPE',
  'VALIDATION_FAILED',
  /** A trigger or segment-change id used before for the same customer with other content. */
  'IDEMPOTENCY_KEY_REUSED',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** One problem with the message, in the shape of the REST error details. */
export interface DeadLetterProblem {
  code: string;
  path?: string;
  message: string;
}

/** Where a consumed message came from. */
export interface MessageOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Kafka's timestamp of the message, ms since the epoch as a string (as Kafka clients give it). */
  timestamp: string;
}

/** The value of a `journeys.dead-letter` message (its key is the original key). */
export interface DeadLetter {
  reason: DeadLetterReason;
  message: string;
  errors?: DeadLetterProblem[];
  origin: MessageOrigin;
  /** The original value as UTF-8 text (null for a message without a value). */
  value: string | null;
  /** Set when `value` holds only the start of a message too large to copy whole. */
  valueTruncated?: true;
  deadLetteredAt: string;
}

/** How much of a too-large value a dead letter keeps, so that the dead letter itself fits. */
export const DEAD_LETTER_VALUE_KEEP_BYTES = 64 * 1024;

export type DecodedValue =
  | { ok: true; value: Record<string, unknown>; text: string }
  | { ok: false; reason: 'TOO_LARGE' | 'BAD_JSON' | 'NOT_AN_OBJECT'; message: string; text: string | null };

/** Checks the three things every inbound message must be: small enough, JSON, a JSON object. */
export function decodeJsonObject(raw: Buffer | null, maxBytes: number): DecodedValue {
  if (raw === null) return { ok: false, reason: 'NOT_AN_OBJECT', message: 'The message has no value', text: null };
  if (raw.length > maxBytes) {
    return {
      ok: false,
      reason: 'TOO_LARGE',
      message: `The message has ${raw.length} bytes; at most ${maxBytes} are accepted`,
      text: raw.subarray(0, DEAD_LETTER_VALUE_KEEP_BYTES).toString('utf8'),
    };
  }
  const text = raw.toString('utf8');
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { ok: false, reason: 'TOO_LARGE', message: `The message nests deeper than ${MAX_JSON_DEPTH} levels`, text };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'BAD_JSON', message: `Not JSON: ${(error as Error).message}`, text };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { ok: false, reason: 'NOT_AN_OBJECT', message: `The message must be a JSON object, not ${kind}`, text };
  }
  return { ok: true, value: value as Record<string, unknown>, text };
}

export function deadLetter(
  origin: MessageOrigin,
  value: string | null,
  refusal: { reason: DeadLetterReason; message: string; errors?: DeadLetterProblem[] },
  now: Date,
  truncated = false,
): DeadLetter {
  return {
    reason: refusal.reason,
    message: refusal.message,
    ...(refusal.errors?.length ? { errors: refusal.errors } : {}),
    origin,
    value,
    ...(truncated ? { valueTruncated: true as const } : {}),
    deadLetteredAt: now.toISOString(),
  };
}
