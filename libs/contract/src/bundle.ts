/**
 * The contract schemas as one `components.schemas` map for the OpenAPI and AsyncAPI documents: each
 * file under its title, each `$defs` entry hoisted under its own name, every `$ref` rewritten to
 * `#/components/schemas/<Name>`.
 */
import { CONTRACT_SCHEMAS, type JsonSchema } from './schemas';

export interface BundleOptions {
  /**
   * `openapi`: a `discriminator` over `$ref` alternatives gets its `mapping` (OpenAPI reads the
   * component names otherwise) and one over inline alternatives is dropped (OpenAPI cannot map it);
   * `asyncapi`: a `discriminator` is the property name only, as the AsyncAPI Schema Object has it.
   */
  flavour: 'openapi' | 'asyncapi';
  schemas?: Record<string, JsonSchema>;
}

const PREFIX = '#/components/schemas/';
const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Component name of a hoisted `$defs` entry; event data types get a `Data` suffix. */
function defName(file: string, def: string): string {
  return file === 'event-data.json' ? `${def}Data` : capitalized(def);
}

export function bundleSchemas(options: BundleOptions): Record<string, JsonSchema> {
  const schemas = options.schemas ?? CONTRACT_SCHEMAS;
  const components: Record<string, JsonSchema> = {};
  const add = (name: string, schema: JsonSchema, file: string) => {
    if (components[name]) throw new Error(`Two contract schemas are both named ${name}`);
    components[name] = rewrite(schema, file, schemas, options) as JsonSchema;
  };
  for (const [file, root] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, $defs, ...schema } = root;
    if (Object.keys(schema).some((key) => key !== 'title' && key !== 'description'))
      add(root.title as string, schema, file);
    for (const [def, defSchema] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>))
      add(defName(file, def), defSchema, file);
  }
  return components;
}

/** `#/components/schemas/<Name>` of a `$ref` written in `file`. */
function target(ref: string, file: string, schemas: Record<string, JsonSchema>): string {
  const [refFile, pointer = ''] = ref.split('#');
  const owner = refFile === '' ? file : refFile;
  const root = schemas[owner];
  if (!root) throw new Error(`${file}: $ref to unknown schema ${ref}`);
  if (pointer === '') return `${PREFIX}${root.title as string}`;
  const def = /^\/\$defs\/([^/]+)$/.exec(pointer);
  if (!def) throw new Error(`${file}: $ref ${ref} must name a schema or one of its $defs`);
  return `${PREFIX}${defName(owner, def[1])}`;
}

function rewrite(value: unknown, file: string, schemas: Record<string, JsonSchema>, options: BundleOptions): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, file, schemas, options));
  if (typeof value !== 'object' || value === null) return value;
  const out: JsonSchema = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === '$ref' && typeof field === 'string') out.$ref = target(field, file, schemas);
    else out[key] = rewrite(field, file, schemas, options);
  }
  const discriminator = (value as JsonSchema).discriminator as { propertyName: string } | undefined;
  if (discriminator && Array.isArray(out.oneOf)) {
    if (options.flavour === 'asyncapi') out.discriminator = discriminator.propertyName;
    else discriminatorMapping(out, discriminator.propertyName, schemas);
  }
  return out;
}

function discriminatorMapping(schema: JsonSchema, propertyName: string, schemas: Record<string, JsonSchema>): void {
  const options = schema.oneOf as JsonSchema[];
  if (!options.every((option) => typeof option.$ref === 'string')) {
    delete schema.discriminator;
    return;
  }
  const mapping: Record<string, string> = {};
  for (const option of options) {
    const name = (option.$ref as string).slice(PREFIX.length);
    const resolved = findComponent(name, schemas);
    const tag = (resolved?.properties as Record<string, JsonSchema> | undefined)?.[propertyName];
    for (const value of tag?.enum ? (tag.enum as string[]) : tag?.const !== undefined ? [tag.const as string] : []) {
      mapping[value] = option.$ref as string;
    }
  }
  schema.discriminator = { propertyName, mapping };
}

function findComponent(name: string, schemas: Record<string, JsonSchema>): JsonSchema | undefined {
  for (const [file, root] of Object.entries(schemas)) {
    if (root.title === name) return root;
    for (const [def, schema] of Object.entries((root.$defs ?? {}) as Record<string, JsonSchema>)) {
      if (defName(file, def) === name) return schema;
    }
  }
  return undefined;
}
