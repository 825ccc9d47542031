import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { NOT_BLANK_PATTERN } from '@journeys/contract';
import { LIMITS } from '@journeys/definition';
import { ValidationFailed } from './errors';

const NOT_BLANK = new RegExp(NOT_BLANK_PATTERN, 'u');

/** Every path parameter (ids, names) is 1 to 200 characters with one that is not blank, as the OpenAPI document says. */
export class PathParamPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || typeof value !== 'string') return value;
    const length = [...value].length;
    if (length === 0 || length > LIMITS.identifierMaxLength || !NOT_BLANK.test(value)) {
      throw new ValidationFailed([
        {
          code: 'InvalidValue',
          path: String(metadata.data),
          message: `${String(metadata.data)} must be 1 to ${LIMITS.identifierMaxLength} characters, not all blank`,
        },
      ]);
    }
    return value;
  }
}

/** A version number in a path: a whole number from 1 to 1,000,000. */
export class VersionPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const version = /^[0-9]{1,7}$/.test(value) ? Number(value) : NaN;
    if (!(version >= 1 && version <= 1_000_000)) {
      throw new ValidationFailed([
        { code: 'InvalidValue', path: 'version', message: 'version must be a whole number from 1 to 1000000' },
      ]);
    }
    return version;
  }
}
