import { Controller, Get, Inject, Param } from '@nestjs/common';
import { CONTRACT_SCHEMAS } from '@journeys/contract';
import { Public } from '../auth/roles.decorator';
import { ApiContract, PATH_TEXT } from '../common/api-contract';
import { NotFound } from '../common/errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { asyncApiDocument } from './asyncapi-document';

/** The machine-readable contract: every message's JSON Schema and the AsyncAPI document. No key needed. */
@Controller()
export class ContractController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Get('schemas')
  @ApiContract({
    tag: 'contract',
    summary: 'List the JSON Schemas',
    description: 'The name and URL of the JSON Schema (draft 2020-12) of every public message.',
    public: true,
    ok: { status: 200, schema: 'SchemaList', description: 'The schemas' },
  })
  list() {
    return {
      schemas: Object.entries(CONTRACT_SCHEMAS).map(([name, schema]) => ({
        name,
        title: schema.title,
        url: `/schemas/${name}`,
      })),
    };
  }

  /** A stable URL per schema, e.g. `/schemas/journey-definition.json` (the console validates drafts with it). */
  @Public()
  @Get('schemas/:name')
  @ApiContract({
    tag: 'contract',
    summary: 'Get a JSON Schema',
    description: 'The JSON Schema of one message, e.g. `journey-definition.json`; `$ref`s resolve against this URL.',
    public: true,
    params: { name: { description: 'The schema file name', schema: PATH_TEXT } },
    ok: { status: 200, schema: 'JsonSchemaDocument', description: 'The schema' },
    errors: [404],
  })
  schema(@Param('name') name: string) {
    const schema = Object.hasOwn(CONTRACT_SCHEMAS, name) ? CONTRACT_SCHEMAS[name] : undefined;
    if (!schema) throw new NotFound('SCHEMA_NOT_FOUND', `No schema named ${name}; GET /schemas lists them`);
    return schema;
  }

  @Public()
  @Get('docs/asyncapi.json')
  @ApiContract({
    tag: 'contract',
    summary: 'Get the AsyncAPI document',
    description: 'AsyncAPI 3 document of every Kafka topic the service reads and writes, with the message schemas.',
    public: true,
    ok: { status: 200, schema: 'JsonSchemaDocument', description: 'The AsyncAPI document' },
  })
  asyncApi() {
    return asyncApiDocument(this.config.kafka.topics);
  }
}
