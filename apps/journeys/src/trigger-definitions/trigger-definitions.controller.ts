import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ReadModelStore } from '@journeys/read-models';
import type { Caller } from '../auth/api-keys';
import { CurrentCaller } from '../auth/caller.decorator';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { CLOCK, type Clock } from '../common/clock';
import { commandContext } from '../common/command-context';
import { NotFound } from '../common/errors';
import { CreateTriggerDefinitionCommand, MarkTriggerDefinitionReadyCommand } from './trigger-definition.handlers';
import { triggerDefinitionOf } from './trigger-definition.requests';
import type { CreateTriggerDefinitionRequest } from './trigger-definition.requests';
import { SchemaBody } from '../common/schema-body';
import { triggerDefinitionsProjection } from './trigger-definitions.projection';

@ApiTags('trigger definitions')
@ApiBearerAuth()
@Controller('trigger-definitions')
export class TriggerDefinitionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @Allow('editor')
  create(
    @SchemaBody('trigger-definition-request.json') body: CreateTriggerDefinitionRequest,
    @CurrentCaller() caller: Caller,
  ) {
    return this.commands.execute(
      new CreateTriggerDefinitionCommand(triggerDefinitionOf(body), commandContext(caller.name, this.clock.now())),
    );
  }

  @Get()
  @Allow(...READ_ROLES)
  list() {
    return { triggerDefinitions: triggerDefinitionsProjection.find(this.readModels.db) };
  }

  @Get(':name')
  @Allow(...READ_ROLES)
  get(@Param('name') name: string) {
    const found = triggerDefinitionsProjection.get(this.readModels.db, name);
    if (!found) throw new NotFound('TRIGGER_DEFINITION_NOT_FOUND', `No trigger definition named ${name}`);
    return found;
  }

  @Post(':name/ready')
  @HttpCode(200)
  @Allow('editor')
  ready(@Param('name') name: string, @CurrentCaller() caller: Caller) {
    return this.commands.execute(
      new MarkTriggerDefinitionReadyCommand(name, commandContext(caller.name, this.clock.now())),
    );
  }
}
