import { parseIsoInstant } from '@journeys/definition';
import type { ProblemDetail } from '../common/errors';
import type { TriggerAttribute } from '../trigger-definitions/trigger-definition.decider';
import type { SegmentChangeMessage, TriggerMessage } from './ingestion.port';

/** Limits on one message at intake; larger ones are refused (a dead letter on Kafka). */
export const MESSAGE_LIMITS = {
  idMaxLength: 200,
  textMaxLength: 4_000,
  messageMaxBytes: 64 * 1024,
} as const;

export interface KnownTrigger {
  state: 'Draft' | 'Ready';
  attributes: readonly TriggerAttribute[];
}

type Validated<T> = { ok: true; message: T } | { ok: false; id?: string; errors: ProblemDetail[] };

const TRIGGER_FIELDS = new Set(['id', 'trigger', 'customerId', 'occurredAt', 'attributes', 'bindingId']);
const SEGMENT_FIELDS = new Set(['id', 'segmentId', 'customerId', 'change', 'occurredAt']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function identifier(value: unknown, path: string, errors: ProblemDetail[], required = true): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MESSAGE_LIMITS.idMaxLength) {
    errors.push({
      code: value === undefined ? 'Required' : 'InvalidIdentifier',
      path,
      message: `${path.slice(2)} must be a non-blank string of at most ${MESSAGE_LIMITS.idMaxLength} characters`,
    });
    return undefined;
  }
  return value;
}

function instant(value: unknown, path: string, errors: ProblemDetail[]): string | undefined {
  if (typeof value !== 'string' || parseIsoInstant(value) === null) {
    errors.push({
      code: value === undefined ? 'Required' : 'InvalidDateTime',
      path,
      message: `${path.slice(2)} must be an ISO 8601 date-time with Z or an offset`,
    });
    return undefined;
  }
  return value;
}

function unknownFields(input: Record<string, unknown>, allowed: ReadonlySet<string>, errors: ProblemDetail[]): void {
  for (const key of Object.keys(input)) {
    if (!allowed.has(key)) errors.push({ code: 'UnknownField', path: `$.${key}`, message: `unknown field ${key}` });
  }
}

function tooLarge(input: unknown): boolean {
  try {
    return Buffer.byteLength(JSON.stringify(input) ?? '') > MESSAGE_LIMITS.messageMaxBytes;
  } catch {
    return true;
  }
}

function checkAttribute(type: TriggerAttribute['type'], value: unknown): string | undefined {
  switch (type) {
    case 'text':
      return typeof value === 'string' && value.length <= MESSAGE_LIMITS.textMaxLength
        ? undefined
        : `must be text of at most ${MESSAGE_LIMITS.textMaxLength} characters`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'datetime':
      return typeof value === 'string' && parseIsoInstant(value) !== null
        ? undefined
        : 'must be an ISO 8601 date-time with Z or an offset';
    case 'reference':
      return typeof value === 'string' && value.length > 0 && value.length <= MESSAGE_LIMITS.idMaxLength
        ? undefined
        : `must be a reference id of 1 to ${MESSAGE_LIMITS.idMaxLength} characters`;
    default: {
      const unhandled: never = type;
      return `has an unknown type ${String(unhandled)}`;
    }
  }
}

/**
 * Checks one trigger message against its definition: every problem is listed (unknown trigger or
 * attribute, wrong types, nulls, size). The hosted products accept a null and fail at run time;
 * here it is refused at intake with the reason.
 */
export function validateTriggerMessage(
  input: unknown,
  triggers: ReadonlyMap<string, KnownTrigger>,
): Validated<TriggerMessage> {
  const errors: ProblemDetail[] = [];
  if (!isObject(input)) {
    return {
      ok: false,
      errors: [{ code: 'NotAnObject', path: '$', message: 'a trigger message must be a JSON object' }],
    };
  }
  const rawId = typeof input.id === 'string' ? input.id : undefined;
  if (tooLarge(input)) {
    return {
      ok: false,
      id: rawId,
      errors: [
        {
          code: 'TooLarge',
          path: '$',
          message: `a trigger message may be at most ${MESSAGE_LIMITS.messageMaxBytes} bytes`,
        },
      ],
    };
  }
  unknownFields(input, TRIGGER_FIELDS, errors);
  const id = identifier(input.id, '$.id', errors);
  const customerId = identifier(input.customerId, '$.customerId', errors);
  const occurredAt = instant(input.occurredAt, '$.occurredAt', errors);
  const bindingId = identifier(input.bindingId, '$.bindingId', errors, false);
  const name = identifier(input.trigger, '$.trigger', errors);
  const definition = name === undefined ? undefined : triggers.get(name);
  if (name !== undefined && !definition) {
    errors.push({ code: 'TriggerNotFound', path: '$.trigger', message: `no trigger definition named ${name}` });
  } else if (definition && definition.state !== 'Ready') {
    errors.push({ code: 'TriggerNotReady', path: '$.trigger', message: `trigger definition ${name} is not Ready` });
  }
  const attributes = input.attributes === undefined ? {} : input.attributes;
  if (!isObject(attributes)) {
    errors.push({ code: 'WrongType', path: '$.attributes', message: 'attributes must be an object' });
  } else if (definition) {
    const types = new Map(definition.attributes.map((a) => [a.name, a.type]));
    for (const [key, value] of Object.entries(attributes)) {
      const path = `$.attributes.${key}`;
      const type = types.get(key);
      if (!type) errors.push({ code: 'UnknownAttribute', path, message: `trigger ${name} has no attribute ${key}` });
      else if (value === null) errors.push({ code: 'NullAttribute', path, message: `${key} is null; omit it instead` });
      else {
        const problem = checkAttribute(type, value);
        if (problem) errors.push({ code: 'WrongType', path, message: `${key} (${type}) ${problem}` });
      }
    }
  }
  if (errors.length) return { ok: false, id: rawId, errors };
  const message: TriggerMessage = {
    id: id!,
    trigger: name!,
    customerId: customerId!,
    occurredAt: occurredAt!,
    attributes: attributes as Record<string, unknown>,
  };
  if (bindingId !== undefined) message.bindingId = bindingId;
  return { ok: true, message };
}

export function validateSegmentChange(input: unknown): Validated<SegmentChangeMessage> {
  const errors: ProblemDetail[] = [];
  if (!isObject(input)) {
    return {
      ok: false,
      errors: [{ code: 'NotAnObject', path: '$', message: 'a segment change must be a JSON object' }],
    };
  }
  if (tooLarge(input)) {
    return { ok: false, errors: [{ code: 'TooLarge', path: '$', message: 'the segment change is too large' }] };
  }
  unknownFields(input, SEGMENT_FIELDS, errors);
  const id = identifier(input.id, '$.id', errors, false);
  const segmentId = identifier(input.segmentId, '$.segmentId', errors);
  const customerId = identifier(input.customerId, '$.customerId', errors);
  const occurredAt = instant(input.occurredAt, '$.occurredAt', errors);
  if (input.change !== 'joined' && input.change !== 'left') {
    errors.push({ code: 'InvalidValue', path: '$.change', message: 'change must be "joined" or "left"' });
  }
  if (errors.length) return { ok: false, id, errors };
  const message: SegmentChangeMessage = {
    segmentId: segmentId!,
    customerId: customerId!,
    change: input.change as SegmentChangeMessage['change'],
    occurredAt: occurredAt!,
  };
  if (id !== undefined) message.id = id;
  return { ok: true, message };
}
