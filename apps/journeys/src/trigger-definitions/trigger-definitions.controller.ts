import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ReadModelStore } from '@journeys/read-models';
import type { Caller } from '../auth/api-keys';
import { CurrentCaller } from '../auth/caller.decorator';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { CLOCK, type Clock } from '../common/clock';
import { commandContext } from '../common/command-context';
import { ApiContract, PARAMS } from '../common/api-contract';
import { NotFound } from '../common/errors';
import { CreateTriggerDefinitionCommand, MarkTriggerDefinitionReadyCommand } from './trigger-definition.handlers';
import { triggerDefinitionOf } from './trigger-definition.requests';
import type { CreateTriggerDefinitionRequest } from './trigger-definition.requests';
import { SchemaBody } from '../common/schema-body';
import { triggerDefinitionsProjection } from './trigger-definitions.projection';

@Controller('trigger-definitions')
export class TriggerDefinitionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @Allow('editor')
  @ApiContract({
    tag: 'trigger definitions',
    summary: 'Create a trigger definition',
    description:
      "A trigger's typed attributes, in Draft; mark it Ready before journeys publish against it or triggers are accepted.",
    roles: ['editor'],
    body: {
      schema: 'CreateTriggerDefinitionRequest',
      example: {
        name: 'signed-up',
        description: 'A customer created an account',
        attributes: [{ name: 'plan', type: 'text' }],
      },
    },
    ok: { status: 201, schema: 'TriggerDefinitionState', description: 'The definition, in Draft' },
    errors: [409],
    writes: true,
  })
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
  @ApiContract({
    tag: 'trigger definitions',
    summary: 'List trigger definitions',
    description: 'Every trigger definition with its attributes and state.',
    roles: READ_ROLES,
    ok: { status: 200, schema: 'TriggerDefinitionList', description: 'The trigger definitions' },
  })
  list() {
    return { triggerDefinitions: triggerDefinitionsProjection.find(this.readModels.db) };
  }

  @Get(':name')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'trigger definitions',
    summary: 'Get a trigger definition',
    description: 'Its attributes and state.',
    roles: READ_ROLES,
    params: { name: PARAMS.triggerName },
    ok: { status: 200, schema: 'TriggerDefinition', description: 'The trigger definition' },
    errors: [404],
  })
  get(@Param('name') name: string) {
    const found = triggerDefinitionsProjection.get(this.readModels.db, name);
    if (!found) throw new NotFound('TRIGGER_DEFINITION_NOT_FOUND', `No trigger definition named ${name}`);
    return found;
  }

  @Post(':name/ready')
  @HttpCode(200)
  @Allow('editor')
  @ApiContract({
    tag: 'trigger definitions',
    summary: 'Mark a trigger definition Ready',
    description: 'Journeys may then publish against it and triggers of it are accepted. Asking again changes nothing.',
    roles: ['editor'],
    params: { name: PARAMS.triggerName },
    ok: { status: 200, schema: 'TriggerDefinitionState', description: 'The definition, Ready' },
    errors: [409],
    writes: true,
  })
  ready(@Param('name') name: string, @CurrentCaller() caller: Caller) {
    return this.commands.execute(
      new MarkTriggerDefinitionReadyCommand(name, commandContext(caller.name, this.clock.now())),
    );
  }
}
