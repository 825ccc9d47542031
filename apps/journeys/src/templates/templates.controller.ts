import { Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ReadModelStore } from '@journeys/read-models';
import type { Caller } from '../auth/api-keys';
import { CurrentCaller } from '../auth/caller.decorator';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { CLOCK, type Clock } from '../common/clock';
import { commandContext } from '../common/command-context';
import { ApiContract, PARAMS } from '../common/api-contract';
import { NotFound } from '../common/errors';
import { CreateJourneyFromTemplateCommand, type TemplateOverrides } from '../journeys/journey.commands';
import type { CreateFromTemplateRequest } from '../journeys/journey.requests';
import { SchemaBody } from '../common/schema-body';
import { journeyStateProjection } from '../journeys/projections/journey-state.projection';
import { templatesProjection } from './templates.projection';

@Controller('templates')
export class TemplatesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'templates',
    summary: 'List templates',
    description: 'Every template, without its definition.',
    roles: READ_ROLES,
    ok: { status: 200, schema: 'TemplateList', description: 'The templates' },
  })
  list() {
    return {
      templates: templatesProjection
        .find(this.readModels.db)
        .map(({ templateId, name, description, source, createdAt }) => ({
          id: templateId,
          name,
          description,
          source,
          createdAt,
        })),
    };
  }

  @Get(':id')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'templates',
    summary: 'Get a template',
    description: 'The template with its definition and the journey version it was saved from.',
    roles: READ_ROLES,
    params: { id: PARAMS.templateId },
    ok: { status: 200, schema: 'Template', description: 'The template' },
    errors: [404],
  })
  get(@Param('id') id: string) {
    const template = templatesProjection.get(this.readModels.db, id);
    if (!template) throw new NotFound('TEMPLATE_NOT_FOUND', `No template with id ${id}`);
    const { templateId, ...rest } = template;
    return { id: templateId, ...rest };
  }

  @Post(':id/journeys')
  @Allow('editor')
  @ApiContract({
    tag: 'templates',
    summary: 'Create a journey from a template',
    description:
      "A new journey in Draft with the template's definition, a new name and optional replacements of audience, schedule, exit and goal.",
    roles: ['editor'],
    params: { id: PARAMS.templateId },
    body: { schema: 'CreateFromTemplateRequest', example: { name: 'Spring welcome' } },
    ok: { status: 201, schema: 'Journey', description: 'The new journey' },
    errors: [404, 409],
    writes: true,
  })
  async createJourney(
    @Param('id') id: string,
    @SchemaBody('create-from-template-request.json') body: CreateFromTemplateRequest,
    @CurrentCaller() caller: Caller,
  ) {
    const result = await this.commands.execute(
      new CreateJourneyFromTemplateCommand(
        id,
        body.name,
        (body.overrides ?? {}) as TemplateOverrides,
        commandContext(caller.name, this.clock.now()),
      ),
    );
    return journeyStateProjection.get(this.readModels.db, result.id) ?? result;
  }
}
