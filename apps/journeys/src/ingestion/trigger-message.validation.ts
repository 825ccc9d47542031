import { contractValidator, isInstant } from '@journeys/contract';
import type { ProblemDetail } from '../common/errors';
import type { TriggerAttribute } from '../trigger-definitions/trigger-definition.decider';
import type { ConsentMessage, SegmentChangeMessage, TriggerMessage } from './ingestion.port';

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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function tooLarge(input: unknown): boolean {
  try {
    return Buffer.byteLength(JSON.stringify(input) ?? '') > MESSAGE_LIMITS.messageMaxBytes;
  } catch {
    return true;
  }
}

function sizeProblems(input: unknown): ProblemDetail[] {
  if (!isObject(input) || !tooLarge(input)) return [];
  return [{ code: 'TooLarge', path: '$', message: `a message may be at most ${MESSAGE_LIMITS.messageMaxBytes} bytes` }];
}

/** The size and shape (schema `trigger-message.json` / `segment-change.json`) of one message. */
function shapeProblems(schemaId: string, input: unknown): ProblemDetail[] {
  const size = sizeProblems(input);
  return size.length ? size : contractValidator().validate(schemaId, input);
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
      return typeof value === 'string' && isInstant(value)
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

/** What the trigger definition says of a message of the right shape: known, Ready, attributes typed. */
function definitionProblems(message: TriggerMessage, triggers: ReadonlyMap<string, KnownTrigger>): ProblemDetail[] {
  const definition = triggers.get(message.trigger);
  if (!definition) {
    return [{ code: 'TriggerNotFound', path: '$.trigger', message: `no trigger definition named ${message.trigger}` }];
  }
  const errors: ProblemDetail[] = [];
  if (definition.state !== 'Ready') {
    errors.push({
      code: 'TriggerNotReady',
      path: '$.trigger',
      message: `trigger definition ${message.trigger} is not Ready`,
    });
  }
  const types = new Map(definition.attributes.map((a) => [a.name, a.type]));
  for (const [key, value] of Object.entries(message.attributes)) {
    const path = `$.attributes.${key}`;
    const type = types.get(key);
    if (!type) {
      errors.push({ code: 'UnknownAttribute', path, message: `trigger ${message.trigger} has no attribute ${key}` });
      continue;
    }
    const problem = checkAttribute(type, value);
    if (problem) errors.push({ code: 'WrongType', path, message: `${key} (${type}) ${problem}` });
  }
  return errors;
}

/**
 * Checks one trigger message: its shape against the `trigger-message.json` schema (every instant
 * with Z or an offset, no null attribute: the hosted products accept a null and fail at run time),
 * then against its trigger definition. Every problem is listed, with paths inside the message.
 */
export function validateTriggerMessage(
  input: unknown,
  triggers: ReadonlyMap<string, KnownTrigger>,
): Validated<TriggerMessage> {
  const rawId = isObject(input) && typeof input.id === 'string' ? input.id : undefined;
  const shape = shapeProblems('trigger-message.json', input);
  if (shape.length) return { ok: false, id: rawId, errors: shape };
  const { attributes = {}, ...fields } = input as Omit<TriggerMessage, 'attributes'> & {
    attributes?: TriggerMessage['attributes'];
  };
  const message: TriggerMessage = { ...fields, attributes };
  const errors = definitionProblems(message, triggers);
  return errors.length ? { ok: false, id: rawId, errors } : { ok: true, message };
}

/** Checks one segment change against the `segment-change.json` schema (unless the caller did). */
export function validateSegmentChange(input: unknown, shapeChecked = false): Validated<SegmentChangeMessage> {
  const errors = shapeChecked ? [] : shapeProblems('segment-change.json', input);
  const id = isObject(input) && typeof input.id === 'string' ? input.id : undefined;
  return errors.length ? { ok: false, id, errors } : { ok: true, message: { ...(input as SegmentChangeMessage) } };
}

/** Checks one consent record against the `consent-message.json` schema (unless the caller did); null fields mean absent. */
export function validateConsent(input: unknown, shapeChecked = false): Validated<ConsentMessage> {
  const errors = shapeChecked ? [] : shapeProblems('consent-message.json', input);
  const id = isObject(input) && typeof input.id === 'string' ? input.id : undefined;
  if (errors.length) return { ok: false, id, errors };
  const message = Object.fromEntries(Object.entries(input as object).filter(([, v]) => v !== null)) as ConsentMessage;
  return { ok: true, message };
}
