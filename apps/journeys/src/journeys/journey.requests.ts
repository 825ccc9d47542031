import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { JOURNEY_STATES } from '@journeys/contract';
import type { TemplateOverrides } from './journey.commands';

/** `POST /journeys/{id}/copy` (schema `copy-journey-request.json`). */
export interface CopyJourneyRequest {
  name: string;
  /** The newest when omitted. */
  version?: number | null;
}

/** `POST /journeys/{id}/save-as-template` (schema `save-as-template-request.json`). */
export interface SaveAsTemplateRequest {
  name: string;
  description?: string | null;
  version?: number | null;
}

/** The template fields of a save-as-template body; null means absent. */
export function templateOf(body: SaveAsTemplateRequest) {
  return { name: body.name, description: body.description ?? undefined, version: body.version ?? undefined };
}

/** `POST /templates/{id}/journeys` (schema `create-from-template-request.json`). */
export interface CreateFromTemplateRequest {
  name: string;
  overrides?: TemplateOverrides | null;
}

export class PageQuery {
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{1,15}$/, { message: 'after must be the next cursor of a previous page' })
  after?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class ListJourneysQuery {
  @IsOptional()
  @IsIn(JOURNEY_STATES)
  state?: string;
}
