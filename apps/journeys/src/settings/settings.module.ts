import { Module } from '@nestjs/common';
import { JourneysModule } from '../journeys/journeys.module';
import { ChangeDeliverySettingsHandler, DeliverySettingsReader } from './settings.handlers';
import { SettingsController } from './settings.controller';

/** The service's delivery settings: consent mode, frequency caps, default quiet hours, with their audit history. */
@Module({
  imports: [JourneysModule],
  controllers: [SettingsController],
  providers: [DeliverySettingsReader, ChangeDeliverySettingsHandler],
})
export class SettingsModule {}
