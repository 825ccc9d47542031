import { Body, type PipeTransform } from '@nestjs/common';
import { contractValidator } from '@journeys/contract';
import { ValidationFailed, type ProblemDetail } from './errors';

/** A missing body where the route requires one (Fastify hands an empty body on as undefined). */
export function missingBody(): ProblemDetail {
  return { code: 'Required', path: '$', message: 'a JSON request body is required' };
}

/** Checks a request body against a contract schema (`libs/contract`); every problem goes in the 400. */
export class SchemaBodyPipe implements PipeTransform {
  constructor(private readonly schemaId: string) {}

  transform(body: unknown): unknown {
    if (body === undefined) throw new ValidationFailed([missingBody()]);
    const problems = contractValidator().validate(this.schemaId, body);
    if (problems.length > 0) throw new ValidationFailed(problems);
    return body;
  }
}

/** `@SchemaBody('copy-journey-request.json') body: CopyJourneyRequest`: the body, required and valid. */
export const SchemaBody = (schemaId: string) => Body(new SchemaBodyPipe(schemaId));

/** The body where the route requires one, unchecked (the handler checks it against its definition). */
export class RequiredBodyPipe implements PipeTransform {
  transform(body: unknown): unknown {
    if (body === undefined) throw new ValidationFailed([missingBody()]);
    return body;
  }
}
