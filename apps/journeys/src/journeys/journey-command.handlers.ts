import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseDefinition } from '@journeys/contract';
import { validateForPublish, type JourneyDefinition } from '@journeys/definition';
import { ReadModelStore } from '@journeys/read-models';
import { newIdFor } from '../common/command-context';
import { ActionNotAllowed, NotFound, ValidationFailed } from '../common/errors';
import { EventStreams } from '../infrastructure/event-streams';
import { TEMPLATE_CATEGORY, type TemplateSaved } from '../templates/template.events';
import { templatesProjection } from '../templates/templates.projection';
import { triggerDefinitionsProjection } from '../trigger-definitions/trigger-definitions.projection';
import { decide, decideCopy, newestVersion, templateSource } from './journey.decider';
import {
  AutomaticMoveCommand,
  CopyJourneyCommand,
  CreateJourneyCommand,
  CreateJourneyFromTemplateCommand,
  JourneyActionCommand,
  SaveAsTemplateCommand,
  StopVersionCommand,
  UpdateDraftCommand,
  VersionActionCommand,
  type JourneyResult,
} from './journey.commands';
import { JourneyCommandService, journeyModel, journeyStream, summary } from './journey-command.service';
import type { JourneyAction } from './journey.events';

/** Checks a definition's shape; every problem is listed in the 400. */
export function parsedDefinition(body: unknown): JourneyDefinition {
  const parsed = parseDefinition(body);
  if (!parsed.ok) throw new ValidationFailed(parsed.problems);
  return parsed.definition;
}

@CommandHandler(CreateJourneyCommand)
export class CreateJourneyHandler implements ICommandHandler<CreateJourneyCommand> {
  constructor(
    private readonly journeys: JourneyCommandService,
    private readonly streams: EventStreams,
  ) {}

  async execute({ definition, context }: CreateJourneyCommand): Promise<JourneyResult> {
    const journeyId = newIdFor(context, 'journey');
    // Run again after a crash: the journey it created holds its name, which is no conflict.
    const applied = await this.streams.applied(journeyStream(journeyId), journeyModel, context);
    if (applied) return summary(applied.state as Parameters<typeof summary>[0], applied.revision);
    this.journeys.assertNameFree(definition.name);
    const result = await this.streams.handle(
      journeyStream(journeyId),
      journeyModel,
      (state) => decide({ type: 'CreateJourney', journeyId, definition }, state),
      context,
    );
    return summary(result.state as Parameters<typeof summary>[0], result.revision);
  }
}

@CommandHandler(UpdateDraftCommand)
export class UpdateDraftHandler implements ICommandHandler<UpdateDraftCommand> {
  constructor(private readonly journeys: JourneyCommandService) {}

  execute({ journeyId, body, context, ifMatch }: UpdateDraftCommand): Promise<JourneyResult> {
    let definition: JourneyDefinition | undefined;
    return this.journeys.run(
      journeyId,
      'update',
      (state) => decide({ type: 'UpdateDraft', definition: definition ?? parsedDefinition(body) }, state),
      context,
      { ifMatch, checkInput: () => (definition = parsedDefinition(body)) },
    );
  }
}

const ACTION_OF: Record<JourneyActionCommand['action'], JourneyAction> = {
  PublishJourney: 'publish',
  EditJourney: 'edit',
  DiscardDraft: 'discard',
};

@CommandHandler(JourneyActionCommand)
export class JourneyActionHandler implements ICommandHandler<JourneyActionCommand> {
  constructor(
    private readonly journeys: JourneyCommandService,
    private readonly readModels: ReadModelStore,
  ) {}

  execute({ action, journeyId, context }: JourneyActionCommand): Promise<JourneyResult> {
    return this.journeys.run(
      journeyId,
      ACTION_OF[action],
      (state) => {
        if (action !== 'PublishJourney') return decide({ type: action }, state);
        const draft = newestVersion(state).definition;
        return decide(
          { type: 'PublishJourney', validationErrors: this.publishProblems(journeyId, draft, context.now) },
          state,
        );
      },
      context,
    );
  }

  /** Publishing checks everything a draft may still lack: graph, triggers Ready, schedule, unique name. */
  private publishProblems(journeyId: string, definition: JourneyDefinition, now: Date) {
    const triggers = new Map(
      triggerDefinitionsProjection
        .find(this.readModels.db)
        .map((t) => [t.name, { state: t.status, attributes: t.attributes }]),
    );
    return validateForPublish(definition, {
      now,
      triggers,
      journeyNameTaken: this.journeys.nameTaken(definition.name, journeyId),
    });
  }
}

@CommandHandler(StopVersionCommand)
export class StopVersionHandler implements ICommandHandler<StopVersionCommand> {
  constructor(private readonly journeys: JourneyCommandService) {}

  execute({ journeyId, version, context }: StopVersionCommand): Promise<JourneyResult> {
    return this.journeys.run(journeyId, 'stop', (state) => decide({ type: 'StopVersion', version }, state), context, {
      version,
    });
  }
}

@CommandHandler(VersionActionCommand)
export class VersionActionHandler implements ICommandHandler<VersionActionCommand> {
  constructor(private readonly journeys: JourneyCommandService) {}

  execute({ action, journeyId, version, context }: VersionActionCommand): Promise<JourneyResult> {
    const command =
      action === 'PauseVersion'
        ? ({ type: action, version, at: context.now.toISOString() } as const)
        : ({ type: action, version } as const);
    const audited = action === 'PauseVersion' ? 'pause' : 'resume';
    return this.journeys.run(journeyId, audited, (state) => decide(command, state), context, { version });
  }
}

@CommandHandler(AutomaticMoveCommand)
export class AutomaticMoveHandler implements ICommandHandler<AutomaticMoveCommand> {
  constructor(private readonly journeys: JourneyCommandService) {}

  execute({ journeyId, move, context }: AutomaticMoveCommand): Promise<JourneyResult> {
    return this.journeys.run(journeyId, undefined, (state) => decide(move, state), context);
  }
}

@CommandHandler(CopyJourneyCommand)
export class CopyJourneyHandler implements ICommandHandler<CopyJourneyCommand> {
  constructor(
    private readonly journeys: JourneyCommandService,
    private readonly streams: EventStreams,
  ) {}

  async execute({ journeyId, name, version, context }: CopyJourneyCommand): Promise<JourneyResult> {
    const newJourneyId = newIdFor(context, 'journey');
    const copy: JourneyResult = { id: newJourneyId, state: 'Draft', revision: 0 };
    if (await this.streams.applied(journeyStream(newJourneyId), journeyModel, context)) return copy;
    const { state } = await this.journeys.load(journeyId);
    try {
      const copied = decideCopy(state, { newJourneyId, name, version });
      this.journeys.assertNameFree(name);
      await this.streams.create(journeyStream(newJourneyId), [copied], context);
    } catch (error) {
      await this.journeys.recordRefusal(journeyId, 'copy', version, error, context);
      throw error;
    }
    return copy;
  }
}

@CommandHandler(SaveAsTemplateCommand)
export class SaveAsTemplateHandler implements ICommandHandler<SaveAsTemplateCommand> {
  constructor(
    private readonly journeys: JourneyCommandService,
    private readonly streams: EventStreams,
    private readonly readModels: ReadModelStore,
  ) {}

  async execute({ journeyId, template, context }: SaveAsTemplateCommand) {
    const templateId = newIdFor(context, 'template');
    const saved = { id: templateId, name: template.name };
    if (await this.streams.applied(`${TEMPLATE_CATEGORY}-${templateId}`, anyEvents, context)) return saved;
    const { state } = await this.journeys.load(journeyId);
    try {
      const source = templateSource(state, template.version);
      if (templatesProjection.nameTaken(this.readModels.db, template.name)) {
        throw new ActionNotAllowed('DuplicateTemplateName', `A template named "${template.name}" already exists`);
      }
      const event: TemplateSaved = {
        type: 'TemplateSaved',
        data: {
          templateId,
          name: template.name,
          description: template.description,
          definition: source.definition,
          source: { journeyId, version: source.version },
        },
      };
      await this.streams.create(`${TEMPLATE_CATEGORY}-${templateId}`, [event], context);
    } catch (error) {
      await this.journeys.recordRefusal(journeyId, 'saveAsTemplate', template.version, error, context);
      throw error;
    }
    return saved;
  }
}

@CommandHandler(CreateJourneyFromTemplateCommand)
export class CreateJourneyFromTemplateHandler implements ICommandHandler<CreateJourneyFromTemplateCommand> {
  constructor(
    private readonly journeys: JourneyCommandService,
    private readonly streams: EventStreams,
  ) {}

  async execute({ templateId, name, overrides, context }: CreateJourneyFromTemplateCommand): Promise<JourneyResult> {
    const journeyId = newIdFor(context, 'journey');
    const created: JourneyResult = { id: journeyId, state: 'Draft', revision: 0 };
    if (await this.streams.applied(journeyStream(journeyId), journeyModel, context)) return created;
    const events = await this.streams.load<TemplateSaved['data'] | null, TemplateSaved>(
      `${TEMPLATE_CATEGORY}-${templateId}`,
      {
        initialState: () => null,
        evolve: (_, e) => e.data,
      },
    );
    const template = events.state;
    if (!template) throw new NotFound('TEMPLATE_NOT_FOUND', `No template with id ${templateId}`);
    const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
    // The merged definition is checked like any new draft: an override must not break its shape.
    const definition = parsedDefinition({ ...template.definition, ...given, name });
    this.journeys.assertNameFree(name);
    await this.streams.create(
      journeyStream(journeyId),
      [
        {
          type: 'JourneyCreatedFromTemplate',
          data: {
            journeyId,
            name,
            definition,
            template: { templateId, name: template.name },
            overridden: Object.keys(given),
          },
        },
      ],
      context,
    );
    return created;
  }
}

/** A stream read only to see whether a command's events are in it. */
const anyEvents = { initialState: () => null, evolve: () => null };

export const JOURNEY_COMMAND_HANDLERS = [
  CreateJourneyHandler,
  UpdateDraftHandler,
  JourneyActionHandler,
  StopVersionHandler,
  VersionActionHandler,
  AutomaticMoveHandler,
  CopyJourneyHandler,
  SaveAsTemplateHandler,
  CreateJourneyFromTemplateHandler,
];
