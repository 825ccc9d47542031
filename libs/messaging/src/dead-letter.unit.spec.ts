import { decodeJsonObject, deadLetter, DEAD_LETTER_VALUE_KEEP_BYTES } from './dead-letter';

describe('decodeJsonObject', () => {
  const decode = (text: string | null, max = 1024) => decodeJsonObject(text === null ? null : Buffer.from(text), max);

  it('refuses nesting deeper than any message needs, before parsing it, and keeps brackets in strings apart', () => {
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    expect(decode(deep, 1_000_000)).toMatchObject({ ok: false, reason: 'TOO_LARGE', message: /nests deeper than 64/ });
    const shallowWithBrackets = `{"text":"${'[{'.repeat(200)}"}`;
    expect(decode(shallowWithBrackets)).toMatchObject({ ok: true });
  });

  it('accepts a JSON object and keeps its text', () => {
    expect(decode('{"id":"t1","n":1}')).toEqual({ ok: true, value: { id: 't1', n: 1 }, text: '{"id":"t1","n":1}' });
  });

  it.each([
    [null, 'NOT_AN_OBJECT', /no value/],
    ['{"id":', 'BAD_JSON', /Not JSON/],
    ['', 'BAD_JSON', /Not JSON/],
    ['[1]', 'NOT_AN_OBJECT', /not an array/],
    ['null', 'NOT_AN_OBJECT', /not null/],
    ['"text"', 'NOT_AN_OBJECT', /not string/],
    ['42', 'NOT_AN_OBJECT', /not number/],
  ])('refuses %p as %s', (text, reason, message) => {
    const decoded = decode(text);
    expect(decoded).toMatchObject({ ok: false, reason, text });
    expect(decoded.ok === false && decoded.message).toMatch(message);
  });

  it('refuses a value over the limit before parsing it and keeps only its start', () => {
    const big = `{"pad":"${'x'.repeat(DEAD_LETTER_VALUE_KEEP_BYTES * 2)}"}`;
    const decoded = decode(big, 1024 * 1024 - 1);
    expect(decoded).toMatchObject({ ok: true });
    const tooLarge = decode(big, 1024);
    expect(tooLarge).toMatchObject({ ok: false, reason: 'TOO_LARGE' });
    expect(tooLarge.text).toHaveLength(DEAD_LETTER_VALUE_KEEP_BYTES);
  });
});

describe('deadLetter', () => {
  it('carries the reason, the problems, the origin and the original value', () => {
    const origin = { topic: 'journeys.triggers', partition: 2, offset: '41', key: 'c1', timestamp: '1764324000000' };
    expect(
      deadLetter(
        origin,
        '{"trigger":"nope"}',
        { reason: 'VALIDATION_FAILED', message: '1 problem', errors: [{ code: 'UnknownTrigger', message: 'nope' }] },
        new Date('2026-11-28T10:00:00Z'),
      ),
    ).toEqual({
      reason: 'VALIDATION_FAILED',
      message: '1 problem',
      errors: [{ code: 'UnknownTrigger', message: 'nope' }],
      origin,
      value: '{"trigger":"nope"}',
      deadLetteredAt: '2026-11-28T10:00:00.000Z',
    });
  });
});
