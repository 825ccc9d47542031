import {
  CHANNELS,
  CONDITION_OPERATORS,
  STEP_TYPES,
  loyaltyDigestJourneyExample,
  welcomeJourneyExample,
} from '@journeys/definition';
import { contractValidator } from './contract-validator';
import { DURATION_PATTERN, FORMATS, INSTANT_PATTERN, LOCAL_DATE_TIME_PATTERN } from './formats';
import { CONTRACT_SCHEMAS, journeyDefinitionSchema, type JsonSchema } from './schemas';

const validate = (id: string, value: unknown) => contractValidator().validate(id, value);

describe('the contract schemas', () => {
  it.each(Object.entries(CONTRACT_SCHEMAS))('%s: every example it carries is valid', (id, schema) => {
    for (const example of (schema.examples ?? []) as unknown[]) expect(validate(id, example)).toEqual([]);
  });

  it('take the definition examples the library publishes', () => {
    expect(validate('journey-definition.json', welcomeJourneyExample)).toEqual([]);
    expect(validate('journey-definition.json', loyaltyDigestJourneyExample)).toEqual([]);
  });

  it('name every step type, channel and operator of the definition types', () => {
    const defs = journeyDefinitionSchema.$defs as Record<string, JsonSchema>;
    const stepTypes = ((defs.step.oneOf as JsonSchema[]) ?? []).map((o) =>
      String(o.$ref).replace('#/$defs/', '').replace(/Step$/, ''),
    );
    expect(stepTypes.sort()).toEqual([...STEP_TYPES].sort());
    const send = defs.sendStep.properties as Record<string, JsonSchema>;
    expect(send.channel.enum).toEqual([...CHANNELS]);
    const leaf = (defs.condition.oneOf as JsonSchema[])[0];
    const ops = (leaf.oneOf as JsonSchema[]).flatMap(
      (o) => (o.properties as Record<string, JsonSchema>).op.enum as string[],
    );
    expect(ops.sort()).toEqual([...CONDITION_OPERATORS].sort());
  });
});

describe('the string formats', () => {
  // Each pattern is what readers without the format see: it must refuse no value the format takes,
  // and take as few as possible that the format refuses.
  it.each([
    ['2026-12-01T09:00:00Z', true, true],
    ['2026-12-01T09:00Z', true, true],
    ['2026-12-01T09:00:00.250+01:00', true, true],
    ['2026-12-01T09:00:00+0100', true, true],
    ['2026-12-01T09:00:00-05', true, true],
    ['2024-02-29T00:00:00Z', true, true],
    ['2000-02-29T00:00:00Z', true, true],
    ['2026-06-01T10:00:00', false, true],
    ['2026-02-29T00:00:00Z', false, false],
    ['1900-02-29T00:00:00Z', false, false],
    ['0000-01-01T00:00:00Z', false, false],
    ['2026-13-01T00:00:00Z', false, false],
    ['2026-12-01T24:00:00Z', false, false],
    ['2026-12-01T09:00:00+24:00', false, false],
    ['2026-06-01', false, false],
    ['tomorrow', false, false],
  ])('%s: instant %p, local date-time %p', (text, instant, local) => {
    expect([FORMATS.instant(text), new RegExp(INSTANT_PATTERN).test(text)]).toEqual([instant, instant]);
    expect([FORMATS['local-date-time'](text), new RegExp(LOCAL_DATE_TIME_PATTERN).test(text)]).toEqual([local, local]);
  });

  it.each([
    ['PT30M', true],
    ['P2D', true],
    ['P1Y2M3W4DT5H6M7.5S', true],
    ['-P1D', true],
    ['PT0S', true],
    ['P', false],
    ['PT', false],
    ['P1DT', false],
    ['2 days', false],
    ['P1.5D', false],
  ])('%s: duration %p', (text, valid) => {
    expect([FORMATS['iso-duration'](text), new RegExp(DURATION_PATTERN).test(text)]).toEqual([valid, valid]);
  });
});

describe('problems of the messages', () => {
  it('a trigger message: every problem, with the intake codes', () => {
    expect(
      validate('trigger-message.json', {
        id: '',
        trigger: 'signed-up',
        occurredAt: '2026-06-01T10:00:00',
        attributes: { plan: null, tags: ['a'] },
        extra: 1,
      }).map((p) => `${p.code} ${p.path}`),
    ).toEqual([
      'Required $.customerId',
      'UnknownField $.extra',
      'InvalidIdentifier $.id',
      'InvalidDateTime $.occurredAt',
      'NullAttribute $.attributes.plan',
      'WrongType $.attributes.tags',
    ]);
    expect(validate('trigger-message.json', [1])).toEqual([
      expect.objectContaining({ code: 'NotAnObject', path: '$' }),
    ]);
  });

  it('a batch: the path names the message', () => {
    const good = { id: 'a', trigger: 't', customerId: 'c', occurredAt: '2026-06-01T10:00:00Z' };
    expect(validate('trigger-batch.json', [good, { ...good, occurredAt: 'soon' }])).toEqual([
      {
        code: 'InvalidDateTime',
        path: '$[1].occurredAt',
        message: 'occurredAt ("soon") must be an ISO 8601 date-time with Z or an offset',
      },
    ]);
    expect(validate('trigger-batch.json', [])).toEqual([expect.objectContaining({ code: 'Required', path: '$' })]);
  });

  it('a command: the payload is checked with the schema of its REST body, paths into the message', () => {
    expect(
      validate('command.json', {
        commandId: 'c',
        type: 'CopyJourney',
        actor: 'a',
        journeyId: 'j',
        payload: { name: 3 },
      }),
    ).toEqual([expect.objectContaining({ code: 'WrongType', path: '$.payload.name' })]);
    expect(validate('command.json', { commandId: 'c', type: 'Nope', actor: 'a' })).toEqual([
      expect.objectContaining({ code: 'UnknownCommandType', path: '$.type' }),
    ]);
  });
});
