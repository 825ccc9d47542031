import { welcomeJourneyExample } from '@journeys/definition/examples';
import {
  CopyJourneyCommand,
  CreateJourneyCommand,
  CreateJourneyFromTemplateCommand,
  JourneyActionCommand,
  SaveAsTemplateCommand,
  StopVersionCommand,
  VersionActionCommand,
  UpdateDraftCommand,
} from '../journeys/journey.commands';
import {
  CreateTriggerDefinitionCommand,
  MarkTriggerDefinitionReadyCommand,
} from '../trigger-definitions/trigger-definition.handlers';
import { prepareCommand } from './kafka-command.mapping';

const now = new Date('2026-11-28T10:00:00Z');
const message = (fields: Record<string, unknown>) => ({ commandId: 'cmd-1', actor: 'crm-sync', ...fields });
const prepared = (fields: Record<string, unknown>) => {
  const result = prepareCommand(message(fields), now);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error.details)}`);
  return result;
};
const refused = (fields: Record<string, unknown>) => {
  const result = prepareCommand(fields, now);
  if (result.ok) throw new Error('accepted');
  return { ...result, details: result.error.details };
};

describe('prepareCommand', () => {
  it('builds the command each REST action sends, with the actor and the command id as correlation', () => {
    const create = prepared({ type: 'CreateJourney', payload: structuredClone(welcomeJourneyExample) });
    expect(create).toMatchObject({ commandId: 'cmd-1', type: 'CreateJourney', shape: 'journey' });
    expect(create.command).toBeInstanceOf(CreateJourneyCommand);
    expect((create.command as CreateJourneyCommand).definition.name).toBe('Welcome series');
    expect((create.command as CreateJourneyCommand).context).toEqual({
      actor: 'crm-sync',
      correlationId: 'cmd-1',
      causationId: 'cmd-1',
      commandId: 'cmd-1',
      now,
    });

    const draft = { ...structuredClone(welcomeJourneyExample), name: 'x' };
    const update = prepared({ type: 'UpdateDraft', journeyId: 'j1', ifMatch: 3, payload: draft });
    expect(update.command).toBeInstanceOf(UpdateDraftCommand);
    expect(update.command).toMatchObject({ journeyId: 'j1', ifMatch: 3, body: { name: 'x' } });

    for (const type of ['PublishJourney', 'EditJourney', 'DiscardDraft']) {
      const action = prepared({ type, journeyId: 'j1' });
      expect(action.command).toBeInstanceOf(JourneyActionCommand);
      expect(action.command).toMatchObject({ action: type, journeyId: 'j1' });
    }

    expect(prepared({ type: 'StopVersion', journeyId: 'j1', version: 2 }).command).toEqual(
      expect.objectContaining({ journeyId: 'j1', version: 2 }),
    );
    expect(prepared({ type: 'StopVersion', journeyId: 'j1', version: 2 }).command).toBeInstanceOf(StopVersionCommand);

    for (const type of ['PauseVersion', 'ResumeVersion']) {
      const versionAction = prepared({ type, journeyId: 'j1', version: 2 });
      expect(versionAction).toMatchObject({ shape: 'journey' });
      expect(versionAction.command).toBeInstanceOf(VersionActionCommand);
      expect(versionAction.command).toMatchObject({ action: type, journeyId: 'j1', version: 2 });
    }

    const copy = prepared({ type: 'CopyJourney', journeyId: 'j1', payload: { name: 'Copy', version: 1 } });
    expect(copy.command).toBeInstanceOf(CopyJourneyCommand);
    expect(copy.command).toMatchObject({ journeyId: 'j1', name: 'Copy', version: 1 });

    const save = prepared({ type: 'SaveAsTemplate', journeyId: 'j1', payload: { name: 'T', description: 'd' } });
    expect(save).toMatchObject({ shape: 'asReturned' });
    expect(save.command).toBeInstanceOf(SaveAsTemplateCommand);
    expect(save.command).toMatchObject({ template: { name: 'T', description: 'd' } });

    const fromTemplate = prepared({
      type: 'CreateJourneyFromTemplate',
      payload: { templateId: 't1', name: 'Spring', overrides: { exit: { triggers: ['unsubscribed'] } } },
    });
    expect(fromTemplate).toMatchObject({ shape: 'journeyView' });
    expect(fromTemplate.command).toBeInstanceOf(CreateJourneyFromTemplateCommand);
    expect(fromTemplate.command).toMatchObject({
      templateId: 't1',
      name: 'Spring',
      overrides: { exit: { triggers: ['unsubscribed'] } },
    });

    const trigger = prepared({
      type: 'CreateTriggerDefinition',
      payload: { name: 'signed-up', attributes: [{ name: 'plan', type: 'text' }] },
    });
    expect(trigger.command).toBeInstanceOf(CreateTriggerDefinitionCommand);
    expect(trigger.command).toMatchObject({
      definition: { name: 'signed-up', attributes: [{ name: 'plan', type: 'text' }] },
    });

    const ready = prepared({ type: 'MarkTriggerDefinitionReady', payload: { name: 'signed-up' } });
    expect(ready.command).toBeInstanceOf(MarkTriggerDefinitionReadyCommand);
    expect(ready.command).toMatchObject({ name: 'signed-up' });
  });

  it('refuses an unknown type, and keeps the command id so the refusal can be answered', () => {
    expect(refused(message({ type: 'DeleteEverything' }))).toMatchObject({
      commandId: 'cmd-1',
      reason: 'UNKNOWN_COMMAND_TYPE',
      details: [{ code: 'UnknownCommandType', path: '$.type' }],
    });
    expect(refused({ type: 42 })).toMatchObject({ commandId: undefined, reason: 'UNKNOWN_COMMAND_TYPE' });
  });

  it('lists every envelope problem at once', () => {
    const { reason, details } = refused({ commandId: '', type: 'StopVersion', version: 0, extra: 1 });
    expect(reason).toBe('VALIDATION_FAILED');
    expect([...new Set(details.map((d) => (d as { path: string }).path))].sort()).toEqual(
      ['$.actor', '$.commandId', '$.extra', '$.journeyId', '$.version'].sort(),
    );
  });

  it('validates payloads with the schemas of the REST bodies, with paths into the message', () => {
    expect(
      refused(message({ type: 'CreateTriggerDefinition', payload: { name: 'bad name', attributes: 'x' } })),
    ).toMatchObject({
      commandId: 'cmd-1',
      reason: 'VALIDATION_FAILED',
      details: expect.arrayContaining([
        expect.objectContaining({ code: 'InvalidValue', path: '$.payload.name' }),
        expect.objectContaining({ code: 'WrongType', path: '$.payload.attributes' }),
      ]),
    });
    expect(refused(message({ type: 'CopyJourney', journeyId: 'j1', payload: [] }))).toMatchObject({
      details: [{ code: 'WrongType', path: '$.payload' }],
    });
    expect(
      refused(message({ type: 'CopyJourney', journeyId: 'j1', payload: { name: 'x', owner: 'me' } })),
    ).toMatchObject({ details: [{ code: 'UnknownField', path: '$.payload.owner' }] });
    const definition = refused(message({ type: 'CreateJourney', payload: { name: 'No steps' } }));
    expect(definition.reason).toBe('VALIDATION_FAILED');
    expect(definition.error.code).toBe('VALIDATION_FAILED');
    expect(definition.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'Required', path: '$.payload.audience' }),
        expect.objectContaining({ code: 'Required', path: '$.payload.steps' }),
      ]),
    );
  });
});
