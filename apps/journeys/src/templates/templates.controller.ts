import { Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ReadModelStore } from '@journeys/read-models';
import type { Caller } from '../auth/api-keys';
import { CurrentCaller } from '../auth/caller.decorator';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { CLOCK, type Clock } from '../common/clock';
import { commandContext } from '../common/command-context';
import { NotFound } from '../common/errors';
import { CreateJourneyFromTemplateCommand, type TemplateOverrides } from '../journeys/journey.commands';
import type { CreateFromTemplateRequest } from '../journeys/journey.requests';
import { SchemaBody } from '../common/schema-body';
import { journeyStateProjection } from '../journeys/projections/journey-state.projection';
import { templatesProjection } from './templates.projection';

@ApiTags('templates')
@ApiBearerAuth()
@Controller('templates')
export class TemplatesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Allow(...READ_ROLES)
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
  get(@Param('id') id: string) {
    const template = templatesProjection.get(this.readModels.db, id);
    if (!template) throw new NotFound('TEMPLATE_NOT_FOUND', `No template with id ${id}`);
    const { templateId, ...rest } = template;
    return { id: templateId, ...rest };
  }

  @Post(':id/journeys')
  @Allow('editor')
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
