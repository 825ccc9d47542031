import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { bundleSchemas } from '@journeys/contract';
import { API_KEY_SCHEME } from '../common/api-contract';
import { packageInfo } from './package-info';

const DESCRIPTION = `Event-sourced customer journeys: definitions with a life cycle of versions, templates, trigger
definitions, intake of triggers and segment changes, the actions output, analytics and audit history.

Every route but the public ones needs an API key: \`Authorization: Bearer <key>\`; the key's role
(admin, editor, viewer, ingest) decides what it may do and its name is the actor in audit history.
Errors are \`{ "error": { "code", "message", "details" } }\`; a 400 lists every problem with a
stable code and a JSON path. The JSON Schemas of every message are at \`/schemas/<name>.json\`, the
Kafka topics in the AsyncAPI document at \`/docs/asyncapi.json\`; docs/ in the repository explains
them for users.`;

type Operation = { security?: unknown[]; 'x-public'?: boolean; parameters?: { name: string; in: string }[] };

/**
 * The OpenAPI 3.1 document: paths from the controllers' `@ApiContract`, schemas from `libs/contract`,
 * the version from package.json.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const { version } = packageInfo();
  const config = new DocumentBuilder()
    .setTitle('Journeys')
    .setDescription(DESCRIPTION)
    .setVersion(version)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addSecurity(API_KEY_SCHEME, {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API key (not a JWT): from JOURNEYS_API_KEYS (`name:role:secret`) or the generated data/admin-api-key, sent as `Authorization: Bearer <key>`',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    autoTagControllers: false,
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}${method.replace(/^./, (c) => c.toUpperCase())}`,
  });
  document.openapi = '3.1.0';
  document.components = { ...document.components, schemas: bundleSchemas({ flavour: 'openapi' }) as never };
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Operation[]) {
      if (operation['x-public']) {
        operation.security = [];
        delete operation['x-public'];
      }
      // A parameter declared by @ApiContract replaces the one Nest derives from the handler.
      const seen = new Set<string>();
      operation.parameters = (operation.parameters ?? [])
        .reverse()
        .filter((p) => {
          const key = `${p.in}:${p.name}`;
          return seen.has(key) ? false : (seen.add(key), true);
        })
        .reverse();
    }
  }
  linkCreatedJourneys(document);
  return document;
}

/**
 * OpenAPI links from each answer that creates a journey to the operations on `/journeys/{id}...`,
 * so that clients (and the conformance run's stateful phase) can follow the new id.
 */
function linkCreatedJourneys(document: OpenAPIObject): void {
  const targets = Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/journeys/{id}'))
    .flatMap(([, methods]) => Object.values(methods as Record<string, { operationId?: string }>))
    .flatMap((operation) => (operation.operationId ? [operation.operationId] : []));
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(
      methods as Record<string, { responses?: Record<string, ResponseWithLinks> }>,
    )) {
      const created = operation.responses?.['201'];
      if (created?.content?.['application/json']?.schema?.$ref !== '#/components/schemas/Journey') continue;
      created.links = Object.fromEntries(
        targets.map((operationId) => [operationId, { operationId, parameters: { id: '$response.body#/id' } }]),
      );
    }
  }
}

type ResponseWithLinks = {
  content?: Record<string, { schema?: { $ref?: string } }>;
  links?: Record<string, unknown>;
};

/** Serves the document at /docs/openapi.json (and the UI at /docs). */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
