/**
 * Validates untrusted JSON against the contract's schemas with ajv and turns ajv's errors into the
 * service's problems: `{ code, path, message }` with the stable codes of `ProblemCode` and a JSON
 * path such as `$.steps[2].next`. Every problem is reported at once; nothing here throws on input.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { ProblemCode, type DefinitionProblem } from '@journeys/definition';
import { FORMATS, FORMAT_MESSAGES, type FormatName } from './formats';
import type { JsonSchema } from './schemas/common';
import { childPath, describeType, pointerToPath, valueAt } from './json-pointer';

export type Problem = DefinitionProblem;

type Codes = Partial<Record<string, string>>;
type Failure = ErrorObject & { parentSchema?: JsonSchema; data?: unknown };

const ALTERNATIVES = new Set(['oneOf', 'anyOf']);

/** The ajv instance of one set of schemas, each registered under its `$id`. */
export class SchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly roots = new Map<string, JsonSchema>();
  /** Where each schema object sits in its root, as a JSON pointer: ajv's `schemaPath` is relative to the nearest `$ref`. */
  private readonly pointers = new WeakMap<object, { id: string; pointer: string }>();

  constructor(schemas: readonly JsonSchema[]) {
    this.ajv = new Ajv2020({
      allErrors: true,
      verbose: true,
      discriminator: true,
      ownProperties: true,
      allowUnionTypes: true,
      strictRequired: false,
      strictTypes: false,
    });
    this.ajv.addKeyword({ keyword: 'x-codes', schemaType: 'object' });
    this.ajv.addKeyword({ keyword: 'x-exclusive', schemaType: 'array' });
    for (const [name, check] of Object.entries(FORMATS)) this.ajv.addFormat(name, { type: 'string', validate: check });
    for (const schema of schemas) {
      this.ajv.addSchema(schema);
      this.roots.set(schema.$id as string, schema);
      this.index(schema, schema.$id as string, '');
    }
  }

  private index(schema: unknown, id: string, pointer: string): void {
    if (typeof schema !== 'object' || schema === null || this.pointers.has(schema)) return;
    this.pointers.set(schema, { id, pointer });
    for (const [key, value] of Object.entries(schema)) {
      this.index(value, id, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  }

  /** Every problem of `data` against the schema `id` (e.g. `trigger-message.json`); empty when valid. */
  validate(id: string, data: unknown): Problem[] {
    return this.check(id, '', data, '$');
  }

  private compiled(id: string, pointer: string): ValidateFunction {
    const validate = this.ajv.getSchema(`${id}${pointer}`);
    if (!validate) throw new Error(`No schema ${id}${pointer}`);
    return validate;
  }

  /** Validates `data` against the schema at `id#pointer`; `path` is where `data` sits in the request. */
  private check(id: string, pointer: string, data: unknown, path: string): Problem[] {
    const validate = this.compiled(id, pointer === '' ? '' : `#${pointer}`);
    if (validate(data)) return [];
    const errors = (validate.errors ?? []) as Failure[];
    const problems: Problem[] = [];
    const chosen = errors.filter((e) => ALTERNATIVES.has(e.keyword) && !e.parentSchema?.['x-exclusive']);
    const outermost = chosen.filter((e) => !chosen.some((o) => o !== e && isBelow(e.instancePath, o.instancePath)));
    for (const error of errors) {
      if (outermost.some((o) => o === error)) {
        problems.push(...this.alternatives(id, error, data, path));
      } else if (
        !outermost.some((o) => o.instancePath === error.instancePath || isBelow(error.instancePath, o.instancePath))
      ) {
        problems.push(...this.problemsOf(error, errors, data, path));
      }
    }
    return dedupe(problems);
  }

  /**
   * A failed `oneOf` / `anyOf`: the alternative the value was meant as (by its type, or by its
   * required fields being present) is checked again alone, so its problems are the ones reported.
   * No such alternative (or several): one problem at the value.
   */
  private alternatives(id: string, error: Failure, root: unknown, basePath: string): Problem[] {
    const value = valueAt(root, error.instancePath);
    const path = pointerToPath(root, error.instancePath, basePath);
    const options = (error.parentSchema?.[error.keyword] ?? []) as JsonSchema[];
    const allowed =
      error.parentSchema?.type === undefined ? [] : ([] as string[]).concat(error.parentSchema.type as string);
    if (
      allowed.length > 0 &&
      !allowed.includes(jsonType(value)) &&
      !(allowed.includes('number') && jsonType(value) === 'integer')
    ) {
      const name = lastName(path);
      return [
        {
          code: ProblemCode.WrongType,
          path,
          message: `${name} must be ${article(allowed.join(' or '))}, not ${describeType(value)}`,
        },
      ];
    }
    const rootId = this.pointers.get(error.parentSchema as object)?.id ?? id;
    const meant = options.flatMap((option, index) => (this.isMeantFor(rootId, option, value) ? [index] : []));
    const where = this.pointers.get(error.parentSchema as object);
    if (meant.length === 1 && where) {
      return this.check(where.id, `${where.pointer}/${error.keyword}/${meant[0]}`, value, path);
    }
    const code = codesOf(error.parentSchema).oneOf ?? ProblemCode.WrongType;
    const what = describe(error.parentSchema);
    return [{ code, path, message: `${what}; found ${meant.length ? 'more than one' : describeType(value)}` }];
  }

  private isMeantFor(id: string, option: JsonSchema, value: unknown): boolean {
    const resolved = this.resolve(id, option);
    if (Array.isArray(resolved.required) && resolved.required.length > 0) {
      return isObject(value) && (resolved.required as string[]).some((key) => Object.hasOwn(value, key));
    }
    const types = resolved.type === undefined ? [] : ([] as string[]).concat(resolved.type as string | string[]);
    const type = jsonType(value);
    return types.includes(type) || (type === 'integer' && types.includes('number'));
  }

  /** The schema a `$ref` names (`#/$defs/x`, `other.json`, `other.json#/properties/y`); others as they are. */
  private resolve(id: string, schema: JsonSchema): JsonSchema {
    const target = schema.$ref;
    if (typeof target !== 'string') return schema;
    const [file, pointer = ''] = target.split('#');
    let found: unknown = this.roots.get(file === '' ? id : file);
    for (const segment of pointer.split('/').filter((s) => s !== '')) {
      found = (found as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return typeof found === 'object' && found !== null
      ? this.resolve(file === '' ? id : file, found as JsonSchema)
      : schema;
  }

  private problemsOf(error: Failure, all: readonly Failure[], root: unknown, basePath: string): Problem[] {
    const at = pointerToPath(root, error.instancePath, basePath);
    const codes = codesOf(error.parentSchema);
    const params = error.params as Record<string, unknown>;
    const name = lastName(at);
    if (error.propertyName !== undefined) return []; // reported by its `propertyNames` error
    switch (error.keyword) {
      case 'required': {
        if (all.some((e) => isExclusiveOf(e, error))) return [];
        const missing = String(params.missingProperty);
        return [{ code: ProblemCode.Required, path: childPath(at, missing), message: `${missing} is required` }];
      }
      case 'additionalProperties': {
        const key = String(params.additionalProperty);
        const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
        const fields = known.length ? `; its fields are ${known.join(', ')}` : '';
        return [
          {
            code: ProblemCode.UnknownField,
            path: childPath(at, key),
            message: `"${truncate(key)}" is not a field here${fields}`,
          },
        ];
      }
      case 'discriminator':
        return [this.discriminatorProblem(error, at, codes)];
      case 'x-exclusive':
        return [];
      case 'type': {
        if (!isTypeOwner(error, all)) return [];
        const code = (error.data === null ? codes.null : undefined) ?? codes.type ?? ProblemCode.WrongType;
        const expected = ([] as string[]).concat(params.type as string).join(' or ');
        return [{ code, path: at, message: `${name} must be ${article(expected)}, not ${describeType(error.data)}` }];
      }
      case 'enum':
      case 'const': {
        const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
        const found = typeof error.data === 'string' ? `"${truncate(error.data)}"` : describeType(error.data);
        return [
          {
            code: codes[error.keyword] ?? ProblemCode.InvalidValue,
            path: at,
            message: `${found} is not a valid ${name}; one of ${allowed.join(', ')}`,
          },
        ];
      }
      case 'format': {
        const format = params.format as FormatName;
        const fallback = format === 'iso-duration' ? ProblemCode.InvalidDuration : ProblemCode.InvalidDateTime;
        const found = typeof error.data === 'string' ? ` ("${truncate(error.data)}")` : '';
        return [{ code: codes.format ?? fallback, path: at, message: `${name}${found} ${FORMAT_MESSAGES[format]}` }];
      }
      case 'pattern':
        if (all.some((e) => e.keyword === 'format' && e.instancePath === error.instancePath)) return [];
        return [{ code: codes.pattern ?? ProblemCode.InvalidValue, path: at, message: patternMessage(name, error) }];
      case 'minLength':
        return [{ code: codes.minLength ?? ProblemCode.TooShort, path: at, message: `${name} must not be empty` }];
      case 'maxLength':
      case 'maxItems':
      case 'maxProperties':
        return [{ code: codes[error.keyword] ?? ProblemCode.TooLong, path: at, message: tooLong(name, error) }];
      case 'minProperties':
      case 'minItems':
        return [{ code: codes[error.keyword] ?? ProblemCode.Required, path: at, message: `${name} ${error.message}` }];
      case 'dependentRequired': {
        const property = String(params.property);
        return [
          {
            code: codes.dependentRequired ?? ProblemCode.ConflictingFields,
            path: childPath(at, property),
            message: `${property} needs ${String(params.missingProperty)}`,
          },
        ];
      }
      case 'propertyNames': {
        const key = String(params.propertyName);
        return [
          {
            code: codes.propertyNames ?? ProblemCode.InvalidValue,
            path: childPath(at, key),
            message: `"${truncate(key)}" cannot be a name here`,
          },
        ];
      }
      case 'oneOf':
        return exclusiveProblems(error, at);
      default:
        return [
          { code: codes[error.keyword] ?? ProblemCode.InvalidValue, path: at, message: `${name} ${error.message}` },
        ];
    }
  }

  private discriminatorProblem(error: Failure, at: string, codes: Codes): Problem {
    const params = error.params as { tag: string; tagValue?: unknown };
    const options = ((error.parentSchema?.oneOf as JsonSchema[] | undefined) ?? []).flatMap((option) => {
      const tag = (this.resolveAny(option).properties as Record<string, JsonSchema> | undefined)?.[params.tag];
      return tag ? ((tag.enum as string[] | undefined) ?? [tag.const as string]) : [];
    });
    const path = childPath(at, params.tag);
    if (params.tagValue === undefined) {
      return { code: ProblemCode.Required, path, message: `${params.tag} is required; one of ${options.join(', ')}` };
    }
    const found =
      typeof params.tagValue === 'string' ? `"${truncate(params.tagValue)}"` : describeType(params.tagValue);
    return {
      code: codes.discriminator ?? ProblemCode.InvalidValue,
      path,
      message: `${found} is not a valid ${params.tag}; one of ${options.join(', ')}`,
    };
  }

  private resolveAny(schema: JsonSchema): JsonSchema {
    const where = this.pointers.get(schema);
    return where ? this.resolve(where.id, schema) : schema;
  }
}

/** `x-exclusive` fields: none present is Required at the object, each one after the first conflicts. */
function exclusiveProblems(error: Failure, at: string): Problem[] {
  const fields = (error.parentSchema?.['x-exclusive'] ?? []) as string[];
  const present = fields.filter((field) => isObject(error.data) && Object.hasOwn(error.data, field));
  if (present.length === 0) {
    return [{ code: ProblemCode.Required, path: at, message: `needs one of ${fields.join(', ')}` }];
  }
  return present.slice(1).map((field) => ({
    code: ProblemCode.ConflictingFields,
    path: childPath(at, field),
    message: `takes only one of ${fields.join(', ')}; it already has ${present[0]}`,
  }));
}

/** A `required` error of one alternative of an `x-exclusive` oneOf, which reports for all of them. */
function isExclusiveOf(exclusive: Failure, error: Failure): boolean {
  return (
    exclusive.keyword === 'oneOf' &&
    exclusive.parentSchema?.['x-exclusive'] !== undefined &&
    exclusive.instancePath === error.instancePath &&
    error.schemaPath.startsWith(`${exclusive.schemaPath}/`)
  );
}

/** A type error of an alternative inside a union type is reported by the union, not once per member. */
function isTypeOwner(error: Failure, all: readonly Failure[]): boolean {
  return !all.some(
    (other) =>
      other !== error &&
      other.keyword === 'type' &&
      other.instancePath === error.instancePath &&
      other.schemaPath.length < error.schemaPath.length,
  );
}

function isBelow(pointer: string, ancestor: string): boolean {
  return pointer.startsWith(`${ancestor}/`);
}

function codesOf(schema: JsonSchema | undefined): Codes {
  return (schema?.['x-codes'] as Codes | undefined) ?? {};
}

function describe(schema: JsonSchema | undefined): string {
  const description = typeof schema?.description === 'string' ? schema.description : undefined;
  return description
    ? `must be ${description.charAt(0).toLowerCase()}${description.slice(1)}`
    : 'must be one of the allowed forms';
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.code}\u0000${problem.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function tooLong(name: string, error: Failure): string {
  const limit = (error.params as { limit: number }).limit;
  if (error.keyword === 'maxLength') return `${name} is ${String(error.data).length} characters long; at most ${limit}`;
  const count = Array.isArray(error.data) ? error.data.length : Object.keys(error.data as object).length;
  return `${name} has ${count} ${error.keyword === 'maxItems' ? 'items' : 'fields'}; at most ${limit}`;
}

function patternMessage(name: string, error: Failure): string {
  const found = typeof error.data === 'string' ? `"${truncate(error.data)}"` : describeType(error.data);
  const description = error.parentSchema?.description;
  if (typeof description === 'string') return `${found} is not a valid ${name}: ${description}`;
  return `${found} is not a valid ${name}; it must match ${String((error.params as { pattern: string }).pattern)}`;
}

function lastName(path: string): string {
  const match = /(?:\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\])$/.exec(path);
  if (!match) return 'the value';
  return match[1] ?? match[2] ?? `item ${match[3]}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function truncate(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}
