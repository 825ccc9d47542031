import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ATTRIBUTE_TYPES, type AttributeType } from './trigger-definition.decider';

/** Trigger and attribute names: letters, digits, `.`, `_`, `-`; they appear in `trigger.<name>` paths. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export class TriggerAttributeRequest {
  @ApiProperty({ example: 'plan' })
  @IsString()
  @Matches(NAME_PATTERN, { message: 'name must be 1-100 letters, digits, ".", "_" or "-"' })
  name!: string;

  @ApiProperty({ enum: ATTRIBUTE_TYPES })
  @IsIn(ATTRIBUTE_TYPES as unknown as string[])
  type!: AttributeType;
}

export class CreateTriggerDefinitionRequest {
  @ApiProperty({ example: 'signed-up' })
  @IsString()
  @Matches(NAME_PATTERN, { message: 'name must be 1-100 letters, digits, ".", "_" or "-"' })
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ type: [TriggerAttributeRequest] })
  @IsArray()
  @ArrayMaxSize(30, { message: 'a trigger has at most 30 attributes' })
  @ValidateNested({ each: true })
  @Type(() => TriggerAttributeRequest)
  attributes!: TriggerAttributeRequest[];
}
