import { Module } from '@nestjs/common';
import { EventStreams } from '../infrastructure/event-streams';
import { TemplatesController } from '../templates/templates.controller';
import { TriggerDefinitionsController } from '../trigger-definitions/trigger-definitions.controller';
import {
  CreateTriggerDefinitionHandler,
  MarkTriggerDefinitionReadyHandler,
} from '../trigger-definitions/trigger-definition.handlers';
import { JOURNEY_COMMAND_HANDLERS } from './journey-command.handlers';
import { JourneyCommandService } from './journey-command.service';
import { JourneysController } from './journeys.controller';

/** The management plane: journeys, templates and trigger definitions. */
@Module({
  controllers: [JourneysController, TemplatesController, TriggerDefinitionsController],
  exports: [EventStreams],
  providers: [
    EventStreams,
    JourneyCommandService,
    ...JOURNEY_COMMAND_HANDLERS,
    CreateTriggerDefinitionHandler,
    MarkTriggerDefinitionReadyHandler,
  ],
})
export class JourneysModule {}
