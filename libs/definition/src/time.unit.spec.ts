import fc from 'fast-check';
import {
  addDuration,
  addDurationTimes,
  addMonthsClamped,
  durationSign,
  durationUpperBoundMs,
  isValidTimeZone,
  parseIsoDateTime,
  parseIsoDuration,
  parseIsoInstant,
  utcToZonedLocal,
  zonedLocalToUtc,
} from './time';

const DAY = 24 * 60 * 60 * 1000;
const utc = (text: string): Date => new Date(text);
const duration = (text: string) => {
  const parsed = parseIsoDuration(text);
  if (parsed === null) throw new Error(`test duration ${text} does not parse`);
  return parsed;
};

describe('parseIsoDuration', () => {
  it('reads every part', () => {
    expect(parseIsoDuration('P1Y2M3W4DT5H6M7.5S')).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7.5,
    });
    expect(parseIsoDuration('PT30M')).toMatchObject({ minutes: 30, hours: 0, days: 0 });
    expect(parseIsoDuration('P2D')).toMatchObject({ days: 2 });
    expect(parseIsoDuration('PT0,5S')).toMatchObject({ seconds: 0.5 });
  });

  it('negates every part after a leading minus', () => {
    expect(parseIsoDuration('-P1DT2H')).toMatchObject({ days: -1, hours: -2, minutes: 0 });
    expect(durationSign(duration('-P1D'))).toBe(-1);
    expect(durationSign(duration('PT0S'))).toBe(0);
    expect(durationSign(duration('P1D'))).toBe(1);
  });

  it.each([
    '',
    'P',
    'PT',
    '1D',
    'P1.5D',
    'P1DT',
    'pt1h',
    'P1H',
    'PT1D',
    'P1D2M',
    ' P1D',
    'P1D ',
    '+P1D',
    'P9999999999D',
  ])('refuses %j', (text) => {
    expect(parseIsoDuration(text)).toBeNull();
  });

  it('refuses huge texts', () => {
    expect(parseIsoDuration(`P1D${'1'.repeat(100_000)}`)).toBeNull();
  });

  it('refuses non-strings without throwing', () => {
    expect(parseIsoDuration(42 as unknown as string)).toBeNull();
  });
});

describe('durationUpperBoundMs', () => {
  it('counts fixed parts exactly and calendar parts at their longest', () => {
    expect(durationUpperBoundMs(duration('P90D'))).toBe(90 * DAY);
    expect(durationUpperBoundMs(duration('P12W'))).toBe(84 * DAY);
    expect(durationUpperBoundMs(duration('PT36H'))).toBe(1.5 * DAY);
    expect(durationUpperBoundMs(duration('P3M'))).toBe(93 * DAY);
    expect(durationUpperBoundMs(duration('P1Y'))).toBe(366 * DAY);
    expect(durationUpperBoundMs(duration('-P2D'))).toBe(2 * DAY);
  });
});

describe('parseIsoDateTime', () => {
  it('reads local and offset date-times', () => {
    expect(parseIsoDateTime('2026-12-01T09:00:00')).toEqual({
      local: { year: 2026, month: 12, day: 1, hour: 9, minute: 0, second: 0, millisecond: 0 },
      offsetMinutes: null,
    });
    expect(parseIsoDateTime('2026-12-01T09:00')?.local.minute).toBe(0);
    expect(parseIsoDateTime('2026-12-01T09:00:00.25Z')).toMatchObject({
      local: { millisecond: 250 },
      offsetMinutes: 0,
    });
    expect(parseIsoDateTime('2026-12-01T09:00:00+05:30')?.offsetMinutes).toBe(330);
    expect(parseIsoDateTime('2026-12-01T09:00:00-0800')?.offsetMinutes).toBe(-480);
    expect(parseIsoDateTime('2026-12-01T09:00:00-00:00')?.offsetMinutes).toBe(0);
    expect(parseIsoDateTime('2028-02-29T00:00:00')).not.toBeNull();
  });

  it.each([
    '2026-02-29T00:00:00',
    '2026-02-30T00:00:00',
    '2026-13-01T00:00:00',
    '2026-12-01T24:00:00',
    '2026-12-01T23:60:00',
    '2026-12-01T23:59:60',
    '2026-12-01',
    '2026-12-01 09:00:00',
    '0000-01-01T00:00:00',
    '2026-12-01T09:00:00+24:00',
    '2026-12-01T09:00:00Z+01:00',
    '2026-12-01T09:00:00+0',
    '2026-12-01T09:00:00+01:0',
    '2026-12-01T09:00:00+010',
    '2026-12-01T09:00:00.',
    '2026-12-01T09:00:00.1234567891',
    '2026-12-01T09:00:5',
    '2026-12-01T09:0',
    '2026-12-01T9:00:00',
    '2026-12-01T-1:00:00',
    '2026-12-01T09:00:00z',
    'yesterday',
  ])('refuses %j', (text) => {
    expect(parseIsoDateTime(text)).toBeNull();
  });

  it('agrees with a regular-expression reading of the format', () => {
    const oracle =
      /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;
    const piece = fc.constantFrom(
      '2026',
      '0001',
      '1999',
      '-',
      'T',
      ':',
      '12',
      '31',
      '02',
      '29',
      '00',
      '59',
      '60',
      '.',
      ',',
      '5',
      '123',
      'Z',
      '+',
      '-',
      '01',
      '23',
      '24',
      'x',
      '',
    );
    const text = fc.oneof(
      fc.array(piece, { maxLength: 14 }).map((parts) => parts.join('')),
      fc
        .date({ noInvalidDate: true, min: new Date('0001-01-01T00:00:00Z') })
        .map((date) => date.toISOString().replace(/\.000Z$/, '')),
      fc
        .tuple(
          fc.date({
            noInvalidDate: true,
            min: new Date('1000-01-01T00:00:00Z'),
            max: new Date('9999-01-01T00:00:00Z'),
          }),
          piece,
          piece,
          piece,
        )
        .map(([date, a, b, c]) => `${date.toISOString().slice(0, 19)}${a}${b}${c}`),
    );
    /** Whether the fields the oracle matched name a real moment. */
    const isReal = (match: RegExpExecArray): boolean => {
      const [year, month, day, hour, minute, second, , , , offsetHours, offsetMinutes] = match
        .slice(1)
        .map((group) => Number(group ?? 0));
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      const realDate = year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
      return realDate && hour < 24 && minute < 60 && second < 60 && offsetHours < 24 && offsetMinutes < 60;
    };
    fc.assert(
      fc.property(text, (candidate) => {
        const match = oracle.exec(candidate);
        const parsed = parseIsoDateTime(candidate);
        if (match === null) return parsed === null;
        if (parsed === null) return !isReal(match);
        return isReal(match) && parsed.local.year === Number(match[1]) && parsed.local.minute === Number(match[5]);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads instants, taking a local date-time as UTC', () => {
    expect(parseIsoInstant('2026-12-01T09:00:00+01:00')).toBe(Date.parse('2026-12-01T08:00:00Z'));
    expect(parseIsoInstant('2026-12-01T09:00:00')).toBe(Date.parse('2026-12-01T09:00:00Z'));
    expect(new Date(parseIsoInstant('0099-06-01T00:00:00Z') as number).getUTCFullYear()).toBe(99);
  });
});

describe('zonedLocalToUtc', () => {
  it('reads a local date-time in the zone, winter and summer', () => {
    expect(zonedLocalToUtc('2026-12-01T09:00:00', 'Europe/Paris')).toEqual(utc('2026-12-01T08:00:00Z'));
    expect(zonedLocalToUtc('2026-07-01T09:00:00', 'Europe/Paris')).toEqual(utc('2026-07-01T07:00:00Z'));
    expect(zonedLocalToUtc('2026-07-01T09:00:00', 'America/Los_Angeles')).toEqual(utc('2026-07-01T16:00:00Z'));
    expect(zonedLocalToUtc('2026-07-01T09:00:00', 'Asia/Kolkata')).toEqual(utc('2026-07-01T03:30:00Z'));
    expect(zonedLocalToUtc('2026-07-01T09:00:00', 'UTC')).toEqual(utc('2026-07-01T09:00:00Z'));
  });

  it('honours an explicit offset or Z whatever the zone', () => {
    expect(zonedLocalToUtc('2026-12-01T09:00:00Z', 'Europe/Paris')).toEqual(utc('2026-12-01T09:00:00Z'));
    expect(zonedLocalToUtc('2026-12-01T09:00:00+05:30', 'Europe/Paris')).toEqual(utc('2026-12-01T03:30:00Z'));
    expect(zonedLocalToUtc('2026-12-01T09:00:00Z', 'Not/AZone')).toEqual(utc('2026-12-01T09:00:00Z'));
  });

  it('moves a time inside a DST gap forward by the gap', () => {
    // Paris springs from 02:00 to 03:00 on 2026-03-29: 02:30 does not exist, 03:30 CEST is meant.
    expect(zonedLocalToUtc('2026-03-29T02:30:00', 'Europe/Paris')).toEqual(utc('2026-03-29T01:30:00Z'));
    expect(zonedLocalToUtc('2026-03-08T02:30:00', 'America/New_York')).toEqual(utc('2026-03-08T07:30:00Z'));
    // Lord Howe Island moves by half an hour.
    expect(zonedLocalToUtc('2026-10-04T02:15:00', 'Australia/Lord_Howe')).toEqual(utc('2026-10-03T15:45:00Z'));
  });

  it('takes the earlier instant of a time that happens twice', () => {
    // Paris falls back from 03:00 CEST to 02:00 CET on 2026-10-25: 02:30 happens at 00:30Z and 01:30Z.
    expect(zonedLocalToUtc('2026-10-25T02:30:00', 'Europe/Paris')).toEqual(utc('2026-10-25T00:30:00Z'));
    expect(zonedLocalToUtc('2026-11-01T01:30:00', 'America/New_York')).toEqual(utc('2026-11-01T05:30:00Z'));
  });

  it('is exact on both sides of a transition', () => {
    expect(zonedLocalToUtc('2026-03-29T01:59:59', 'Europe/Paris')).toEqual(utc('2026-03-29T00:59:59Z'));
    expect(zonedLocalToUtc('2026-03-29T03:00:00', 'Europe/Paris')).toEqual(utc('2026-03-29T01:00:00Z'));
    expect(zonedLocalToUtc('2026-10-25T03:00:00', 'Europe/Paris')).toEqual(utc('2026-10-25T02:00:00Z'));
  });

  it('returns null for an unknown zone or a text that is no date-time', () => {
    expect(zonedLocalToUtc('2026-12-01T09:00:00', 'Mars/Olympus_Mons')).toBeNull();
    expect(zonedLocalToUtc('soon', 'Europe/Paris')).toBeNull();
  });

  it('round-trips with utcToZonedLocal', () => {
    expect(utcToZonedLocal(utc('2026-07-01T07:00:00Z'), 'Europe/Paris')).toEqual({
      year: 2026,
      month: 7,
      day: 1,
      hour: 9,
      minute: 0,
      second: 0,
      millisecond: 0,
    });
    expect(utcToZonedLocal(utc('2026-07-01T07:00:00.123Z'), 'UTC')?.millisecond).toBe(123);
    expect(utcToZonedLocal(utc('2026-07-01T07:00:00Z'), 'Nowhere')).toBeNull();
  });
});

describe('isValidTimeZone', () => {
  it.each(['Europe/Paris', 'UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Etc/GMT+1'])('accepts %s', (name) => {
    expect(isValidTimeZone(name)).toBe(true);
  });

  it.each(['Mars/Olympus_Mons', '', 'Europe/Paris '])('refuses %j', (name) => {
    expect(isValidTimeZone(name)).toBe(false);
  });

  it('refuses overlong names without asking Intl', () => {
    expect(isValidTimeZone(`Europe/${'x'.repeat(500)}`)).toBe(false);
  });
});

describe('addMonthsClamped', () => {
  it('clamps to the end of shorter months', () => {
    expect(addMonthsClamped(utc('2026-01-31T10:00:00Z'), 1, 'UTC')).toEqual(utc('2026-02-28T10:00:00Z'));
    expect(addMonthsClamped(utc('2028-01-31T10:00:00Z'), 1, 'UTC')).toEqual(utc('2028-02-29T10:00:00Z'));
    expect(addMonthsClamped(utc('2026-03-31T10:00:00Z'), 1, 'UTC')).toEqual(utc('2026-04-30T10:00:00Z'));
    expect(addMonthsClamped(utc('2026-03-31T10:00:00Z'), -1, 'UTC')).toEqual(utc('2026-02-28T10:00:00Z'));
    expect(addMonthsClamped(utc('2026-11-30T10:00:00Z'), 3, 'UTC')).toEqual(utc('2027-02-28T10:00:00Z'));
    expect(addMonthsClamped(utc('2026-01-15T10:00:00Z'), -13, 'UTC')).toEqual(utc('2024-12-15T10:00:00Z'));
  });

  it('keeps the local time of day across a DST change', () => {
    // 09:00 in Paris is 08:00Z in March (CET) and 07:00Z in April (CEST).
    expect(addMonthsClamped(utc('2026-03-15T08:00:00Z'), 1, 'Europe/Paris')).toEqual(utc('2026-04-15T07:00:00Z'));
  });

  it('clamps by the local date, not the UTC one', () => {
    // 2026-01-31T23:30 in Los Angeles is 2026-02-01T07:30Z; a month later is Feb 28 23:30 local.
    expect(addMonthsClamped(utc('2026-02-01T07:30:00Z'), 1, 'America/Los_Angeles')).toEqual(
      utc('2026-03-01T07:30:00Z'),
    );
  });

  it('throws a RangeError for an unknown zone', () => {
    expect(() => addMonthsClamped(utc('2026-01-31T10:00:00Z'), 1, 'Nowhere')).toThrow(RangeError);
  });
});

describe('addDuration', () => {
  it('treats a day as 24 hours, even across a DST change', () => {
    expect(addDuration(utc('2026-03-28T11:00:00Z'), duration('P1D'), 'Europe/Paris')).toEqual(
      utc('2026-03-29T11:00:00Z'),
    );
    expect(addDuration(utc('2026-03-28T11:00:00Z'), duration('P1W'), 'Europe/Paris')).toEqual(
      utc('2026-04-04T11:00:00Z'),
    );
    expect(addDuration(utc('2026-03-28T11:00:00Z'), duration('PT1H30M'), 'Europe/Paris')).toEqual(
      utc('2026-03-28T12:30:00Z'),
    );
    expect(addDuration(utc('2026-03-28T11:00:00Z'), duration('PT0.25S'), 'UTC')).toEqual(
      utc('2026-03-28T11:00:00.250Z'),
    );
  });

  it('adds months before days, clamping to the month end', () => {
    expect(addDuration(utc('2026-01-31T09:00:00Z'), duration('P1M1D'), 'UTC')).toEqual(utc('2026-03-01T09:00:00Z'));
    expect(addDuration(utc('2028-02-29T09:00:00Z'), duration('P1Y'), 'UTC')).toEqual(utc('2029-02-28T09:00:00Z'));
    expect(addDuration(utc('2026-03-31T09:00:00Z'), duration('-P1M'), 'UTC')).toEqual(utc('2026-02-28T09:00:00Z'));
  });

  it('does not need the zone for fixed durations', () => {
    expect(addDuration(utc('2026-03-28T11:00:00Z'), duration('P1D'), 'Nowhere')).toEqual(utc('2026-03-29T11:00:00Z'));
  });

  it('computes recurrences from the start so clamping does not drift', () => {
    const start = utc('2026-01-31T09:00:00Z');
    const monthly = duration('P1M');
    const runs = [1, 2, 3, 4].map((n) => addDurationTimes(start, monthly, n, 'UTC').toISOString());
    expect(runs).toEqual([
      '2026-02-28T09:00:00.000Z',
      '2026-03-31T09:00:00.000Z',
      '2026-04-30T09:00:00.000Z',
      '2026-05-31T09:00:00.000Z',
    ]);
  });
});
