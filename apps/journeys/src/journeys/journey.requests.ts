import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export class CopyJourneyRequest {
  @ApiProperty({ example: 'Welcome series (copy)' })
  @IsString()
  @MinLength(1)
  @MaxLength(150)
  name!: string;

  @ApiPropertyOptional({ description: 'Version to copy; the newest when omitted' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class SaveAsTemplateRequest {
  @ApiProperty({ example: 'Welcome template' })
  @IsString()
  @MinLength(1)
  @MaxLength(150)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ description: 'Version to save; the newest when omitted' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class TemplateOverridesRequest {
  @IsOptional() @IsObject() audience?: Record<string, unknown>;
  @IsOptional() @IsObject() schedule?: Record<string, unknown>;
  @IsOptional() @IsObject() exit?: Record<string, unknown>;
  @IsOptional() @IsObject() goal?: Record<string, unknown>;
}

export class CreateFromTemplateRequest {
  @ApiProperty({ example: 'Spring welcome' })
  @IsString()
  @MinLength(1)
  @MaxLength(150)
  name!: string;

  @ApiPropertyOptional({ description: 'Replaces audience, schedule, exit or goal of the template' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateOverridesRequest)
  overrides?: TemplateOverridesRequest;
}

export class PageQuery {
  @IsOptional()
  @IsString()
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
  @IsString()
  state?: string;
}
