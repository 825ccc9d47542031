import { IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { CreateFromTemplateRequest } from '../journeys/journey.requests';
import { NAME_PATTERN } from '../trigger-definitions/trigger-definition.requests';

/**
 * Command types on `journeys.commands` (CONTRACT section 4), each mirroring one REST action, with
 * what its message must name besides the payload: the journey (`/journeys/{id}/...`), or the journey
 * and the version (`/versions/{v}/stop`). The one list of command types.
 */
export const KAFKA_COMMANDS = {
  CreateJourney: 'nothing',
  UpdateDraft: 'journey',
  PublishJourney: 'journey',
  EditJourney: 'journey',
  DiscardDraft: 'journey',
  StopVersion: 'version',
  CopyJourney: 'journey',
  SaveAsTemplate: 'journey',
  CreateJourneyFromTemplate: 'nothing',
  CreateTriggerDefinition: 'nothing',
  MarkTriggerDefinitionReady: 'nothing',
} as const satisfies Record<string, 'nothing' | 'journey' | 'version'>;
export type KafkaCommandType = keyof typeof KAFKA_COMMANDS;
export const KAFKA_COMMAND_TYPES = Object.keys(KAFKA_COMMANDS) as KafkaCommandType[];

/** The `journeys.commands` message. `payload` is the body of the matching REST call. */
export class KafkaCommandMessage {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  commandId!: string;

  @IsString()
  type!: KafkaCommandType;

  /** The journey the REST path names (`/journeys/{id}/...`). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  journeyId?: string;

  /** The version the REST path names (`/versions/{v}/stop`). */
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  /** `UpdateDraft` only: the revision the caller last saw (REST `If-Match`). */
  @IsOptional()
  @IsInt()
  @Min(0)
  ifMatch?: number;

  @IsOptional()
  payload?: unknown;

  /** Recorded as the actor of the resulting events and audit entries, as the API key name is over REST. */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  actor!: string;
}

/** `CreateJourneyFromTemplate` payload: the REST body plus the template the REST path names. */
export class CreateJourneyFromTemplatePayload extends CreateFromTemplateRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  templateId!: string;
}

/** `MarkTriggerDefinitionReady` payload: the name the REST path names. */
export class MarkTriggerDefinitionReadyPayload {
  @IsString()
  @Matches(NAME_PATTERN, { message: 'name must be 1-100 letters, digits, ".", "_" or "-"' })
  name!: string;
}
