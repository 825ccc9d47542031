import type { JourneyDefinition } from '@journeys/definition';
import { projectionSpec } from '@journeys/testing/projection-spec';
import { auditHistoryFold, type AuditedEvent } from './audit-history.fold';

const definition = {
  name: 'Welcome',
  audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
  steps: [{ id: 's1', type: 'send', channel: 'email', content: 'hello' }],
} as unknown as JourneyDefinition;
let clock = 0;
const by = (actor: string | undefined, type: string, data: object): AuditedEvent => ({
  type,
  data,
  metadata: { occurredAt: new Date(Date.UTC(2026, 10, 30, 10, 0, clock++)).toISOString(), actor },
});
const created = (journeyId = 'j1') => by('ed', 'JourneyCreated', { journeyId, name: 'Welcome', definition });
const publish = (version = 1) => by('ed', 'JourneyPublishRequested', { journeyId: 'j1', version });
const given = projectionSpec(auditHistoryFold);

describe('audit history fold', () => {
  it('writes who created the journey, with the state it left it in', () => {
    const { writes } = given().when(created());
    expect(writes).toEqual([
      {
        kind: 'append',
        journeyId: 'j1',
        entry: expect.objectContaining({
          actor: 'ed',
          action: 'create',
          version: 1,
          outcome: 'accepted',
          state: 'Draft',
          journeyState: 'Draft',
          details: {},
        }),
      },
    ]);
  });

  it('writes a publish as pending, then settles that line with the outcome and the new state', () => {
    const [create, request] = [created(), publish()];
    const requested = given(create).when(request);
    expect(requested.writes).toEqual([
      { kind: 'pending', journeyId: 'j1', entry: expect.objectContaining({ action: 'publish', outcome: 'pending' }) },
    ]);
    given(create, request)
      .when(by(undefined, 'JourneyVersionWentLive', { journeyId: 'j1', version: 1 }))
      .then({
        // The settled line keeps who asked and when; the system's move only gives the outcome.
        writes: [
          {
            kind: 'settle',
            journeyId: 'j1',
            entry: expect.objectContaining({
              at: request.metadata.occurredAt,
              actor: 'ed',
              outcome: 'accepted',
              state: 'Live',
            }),
          },
        ],
        state: { j1: { state: { status: 'present' } } },
      });
  });

  it('appends a rejection without a pending line (a history kept before the publish)', () => {
    const problem = { code: 'UnknownStep', path: '$.steps[0].next', message: 'no such step' };
    const { writes, state } = given(created()).when(
      by(undefined, 'JourneyPublishRejected', { journeyId: 'j1', version: 1, validationErrors: [problem] }),
    );
    expect(writes).toEqual([
      {
        kind: 'append',
        journeyId: 'j1',
        entry: expect.objectContaining({
          action: 'publish',
          actor: 'system',
          outcome: 'rejected',
          details: { validationErrors: [problem] },
        }),
      },
    ]);
    expect(state.j1.pendingPublish).toBeUndefined();
  });

  it('writes a copy to both journeys, each with its own state', () => {
    const copied = by('ed', 'JourneyCopied', {
      journeyId: 'j2',
      name: 'Copy',
      definition,
      source: { journeyId: 'j1', version: 1 },
    });
    given(created(), publish(), by(undefined, 'JourneyVersionWentLive', { journeyId: 'j1', version: 1 }))
      .when(copied)
      .then({
        writes: [
          expect.objectContaining({
            journeyId: 'j2',
            entry: expect.objectContaining({
              action: 'create',
              state: 'Draft',
              details: { copiedFrom: { journeyId: 'j1', version: 1 } },
            }),
          }),
          expect.objectContaining({
            journeyId: 'j1',
            entry: expect.objectContaining({
              action: 'copy',
              state: 'Live',
              details: { copy: { journeyId: 'j2', name: 'Copy' } },
            }),
          }),
        ],
      });
  });

  it('writes refusals and templates without changing the journey', () => {
    const before = given(created());
    const after = before.when(
      by('vi', 'JourneyCommandRefused', {
        journeyId: 'j1',
        action: 'publish',
        version: 1,
        error: { code: 'Forbidden' },
      }),
      by('ed', 'TemplateSaved', { templateId: 't1', name: 'T', source: { journeyId: 'j1', version: 1 } }),
    );
    expect(after.writes.map((w) => [w.entry.action, w.entry.outcome, w.entry.actor])).toEqual([
      ['publish', 'refused', 'vi'],
      ['saveAsTemplate', 'accepted', 'ed'],
    ]);
    expect(after.state.j1).toBe(before.state.j1);
  });

  it('names a discarded version Discarded and writes nothing for partition bookkeeping', () => {
    const edit = by('ed', 'JourneyEditStarted', { journeyId: 'j1', version: 2, basedOn: 1, definition });
    const live = by(undefined, 'JourneyVersionWentLive', { journeyId: 'j1', version: 1 });
    given(created(), publish(), live, edit)
      .when(
        by('ed', 'JourneyDraftDiscarded', { journeyId: 'j1', version: 2 }),
        by(undefined, 'JourneyVersionPartitionDone', { journeyId: 'j1', version: 1, partition: 0, outcome: 'emptied' }),
      )
      .then({
        writes: [
          expect.objectContaining({
            entry: expect.objectContaining({ action: 'discard', state: 'Discarded', journeyState: 'Live' }),
          }),
        ],
      });
  });
});
