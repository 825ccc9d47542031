import type { JourneyDefinition } from '@journeys/definition';
import { afterChunk, enrolmentFor, enrols, type EnrolmentJob } from './enrolment';

const segmentJourney = (frequency: unknown): JourneyDefinition =>
  ({
    name: 'digest',
    audience: { type: 'segment', segments: ['loyal'], frequency },
    schedule: { timeZone: 'UTC' },
    steps: [{ id: 's', type: 'send', channel: 'email', content: 'digest' }],
  }) as JourneyDefinition;
const JAN_31 = Date.parse('2027-01-31T09:00:00Z');

describe('segment enrolment', () => {
  const once = segmentJourney({ mode: 'once' });
  const job = enrolmentFor('j1', 1, once, JAN_31, undefined)!;

  it('given a segment version going live, then an enrolment starts then (or at its later scheduled start)', () => {
    expect(job).toEqual({
      kind: 'enrol',
      jobId: 'enrol:j1:1',
      journeyId: 'j1',
      version: 1,
      segments: ['loyal'],
      occurrence: 1,
      startAt: JAN_31,
      firstAt: JAN_31,
      cursor: '',
    });
    expect(enrolmentFor('j1', 1, once, JAN_31, JAN_31 + 5)?.startAt).toBe(JAN_31 + 5);
    const trigger = { ...once, audience: { type: 'trigger', trigger: 't' } } as JourneyDefinition;
    expect(enrolmentFor('j1', 1, trigger, JAN_31, undefined)).toBeUndefined();
  });

  it('enrols members already inside only on a recurring journey', () => {
    expect(enrols(once, true)).toBe(false);
    expect(enrols(once, false)).toBe(true);
    expect(enrols(segmentJourney({ mode: 'recurring', every: 'P1M' }), true)).toBe(true);
  });

  it('given a full chunk, then it continues at once after the last id', () => {
    expect(afterChunk(job, once, ['a', 'b'], 2)).toEqual({ job: { ...job, cursor: 'b' }, continueNow: true });
  });

  it('given the last chunk of a one-time enrolment, then this partition has enrolled everyone', () => {
    expect(afterChunk(job, once, ['a'], 2)).toEqual({
      continueNow: false,
      move: { journeyId: 'j1', version: 1, done: 'enrolled' },
    });
  });

  it('given the last chunk of a dynamic enrolment, then the job ends and the version stays Live', () => {
    expect(afterChunk(job, segmentJourney({ mode: 'dynamic' }), [], 2)).toEqual({ continueNow: false });
  });

  it('given the last chunk of a monthly occurrence, then the next counts from the first, clamped to month end', () => {
    const monthly = segmentJourney({ mode: 'recurring', every: 'P1M', occurrences: 3 });
    const first = afterChunk({ ...job, cursor: 'x' }, monthly, [], 2).job as EnrolmentJob;
    expect(new Date(first.startAt).toISOString()).toBe('2027-02-28T09:00:00.000Z');
    expect(first).toMatchObject({ occurrence: 2, cursor: '', firstAt: JAN_31 });
    const second = afterChunk(first, monthly, [], 2).job as EnrolmentJob;
    expect(new Date(second.startAt).toISOString()).toBe('2027-03-31T09:00:00.000Z');
    expect(afterChunk(second, monthly, [], 2)).toEqual({
      continueNow: false,
      move: { journeyId: 'j1', version: 1, done: 'occurrencesRun' },
    });
  });
});
