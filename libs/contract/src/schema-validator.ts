/**
 * Validates untrusted JSON against the contract's schemas with ajv and turns ajv's errors into the
 * service's problems: `{ code, path, message }` with the stable codes of `ProblemCode` and a JSON
 * path such as `$.steps[2].next`. Every problem is reported at once; nothing here throws on input.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { ProblemCode } from '@journeys/definition';
import { FORMATS } from './formats';
import type { JsonSchema } from './schemas/common';
import { childPath, describeType, pointerToPath, valueAt } from './json-pointer';
import {
  KEYWORD_PROBLEMS,
  article,
  otherProblem,
  truncate,
  type Codes,
  type Failure,
  type Found,
  type Problem,
} from './keyword-problems';

export type { Problem } from './keyword-problems';
export { truncate } from './keyword-problems';

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
    if (error.propertyName !== undefined) return []; // reported by its `propertyNames` error
    const at = pointerToPath(root, error.instancePath, basePath);
    const found: Found = {
      error,
      all,
      at,
      name: lastName(at),
      codes: codesOf(error.parentSchema),
      params: error.params as Record<string, unknown>,
      discriminator: () => this.discriminatorProblem(error, at, codesOf(error.parentSchema)),
    };
    return (KEYWORD_PROBLEMS[error.keyword] ?? otherProblem)(found);
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

function lastName(path: string): string {
  const match = /(?:\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\])$/.exec(path);
  if (!match) return 'the value';
  return match[1] ?? match[2] ?? `item ${match[3]}`;
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
