import { SchemaValidator } from './schema-validator';
import { CONTRACT_SCHEMAS } from './schemas';

let validator: SchemaValidator | undefined;

/** The validator of every contract schema, compiled once on first use (about 100 ms). */
export function contractValidator(): SchemaValidator {
  validator ??= new SchemaValidator(Object.values(CONTRACT_SCHEMAS));
  return validator;
}
