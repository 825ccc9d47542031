import {
  exitedBySegment,
  offeredTrigger,
  ofVersion,
  parseVersionKey,
  versionKey,
  type RoutedInstance,
} from './routing';

const instance = (journeyId: string, status: string, waiting?: 'wait' | 'trigger'): RoutedInstance => ({
  status,
  ref: { journeyId, version: 1 },
  ...(waiting && { waiting: { kind: waiting } }),
});

describe('routing a customer’s inputs to their instances', () => {
  it('names a version by a key that reads back, whatever its journey id holds', () => {
    expect(parseVersionKey(versionKey('a#b', 12))).toEqual({ journeyId: 'a#b', version: 12 });
  });

  it('offers a trigger to the versions naming it and to instances waiting for a trigger', () => {
    const named = instance('goal-journey', 'completed');
    const waitingForTrigger = instance('w', 'active', 'trigger');
    const onTimer = instance('t', 'active', 'wait');
    const ended = instance('e', 'exited');
    const offered = offeredTrigger(
      [named, waitingForTrigger, onTimer, ended],
      new Set([versionKey('goal-journey', 1)]),
    );
    expect(offered).toEqual([named, waitingForTrigger]);
  });

  it('exits on an exit segment only the active instances of the versions it exits', () => {
    const active = instance('j', 'active', 'wait');
    const done = instance('j', 'completed');
    const other = instance('k', 'active', 'wait');
    expect(exitedBySegment([active, done, other], new Set([versionKey('j', 1)]))).toEqual([active]);
    expect(ofVersion([active, done, other], 'j', 1)).toEqual([active, done]);
  });
});
