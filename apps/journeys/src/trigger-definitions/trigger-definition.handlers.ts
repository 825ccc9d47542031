import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../common/command-context';
import { ValidationFailed } from '../common/errors';
import { EventStreams } from '../infrastructure/event-streams';
import {
  decide,
  evolve,
  initialState,
  TRIGGER_DEFINITION_CATEGORY,
  type TriggerAttribute,
  type TriggerDefinitionState,
} from './trigger-definition.decider';

const model = { initialState, evolve };
const stream = (name: string) => `${TRIGGER_DEFINITION_CATEGORY}-${name}`;

export class CreateTriggerDefinitionCommand extends Command<{ name: string; state: string }> {
  constructor(
    readonly definition: { name: string; description?: string; attributes: TriggerAttribute[] },
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class MarkTriggerDefinitionReadyCommand extends Command<{ name: string; state: string }> {
  constructor(
    readonly name: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

const summary = (state: TriggerDefinitionState, name: string) => ({
  name,
  state: state.status === 'absent' ? 'absent' : state.status,
});

@CommandHandler(CreateTriggerDefinitionCommand)
export class CreateTriggerDefinitionHandler implements ICommandHandler<CreateTriggerDefinitionCommand> {
  constructor(private readonly streams: EventStreams) {}

  async execute({ definition, context }: CreateTriggerDefinitionCommand) {
    const seen = new Set<string>();
    const duplicates = definition.attributes.flatMap((a, i) =>
      seen.has(a.name)
        ? [
            {
              code: 'DuplicateAttribute',
              path: `$.attributes[${i}].name`,
              message: `attribute ${a.name} is listed twice`,
            },
          ]
        : (seen.add(a.name), []),
    );
    if (duplicates.length) throw new ValidationFailed(duplicates);
    const { state } = await this.streams.handle(
      stream(definition.name),
      model,
      (s) => decide({ type: 'CreateTriggerDefinition', ...definition }, s),
      context,
    );
    return summary(state, definition.name);
  }
}

@CommandHandler(MarkTriggerDefinitionReadyCommand)
export class MarkTriggerDefinitionReadyHandler implements ICommandHandler<MarkTriggerDefinitionReadyCommand> {
  constructor(private readonly streams: EventStreams) {}

  async execute({ name, context }: MarkTriggerDefinitionReadyCommand) {
    const { state } = await this.streams.handle(
      stream(name),
      model,
      (s) => decide({ type: 'MarkTriggerDefinitionReady' }, s),
      context,
    );
    return summary(state, name);
  }
}
