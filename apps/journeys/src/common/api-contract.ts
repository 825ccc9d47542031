import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiExtension,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { NOT_BLANK_PATTERN } from '@journeys/contract';
import { LIMITS } from '@journeys/definition';
import type { Role } from '../config/app-config';

/** The security scheme of the API key (`Authorization: Bearer <key>`) in the OpenAPI document. */
export const API_KEY_SCHEME = 'apiKey';

/** `#/components/schemas/<name>`: the contract schemas are added to the document under their titles. */
export const schemaRef = (title: string) => ({ $ref: `#/components/schemas/${title}` });

type Status = 200 | 201 | 202;
type ErrorStatus = 400 | 404 | 409 | 412 | 413 | 415 | 503;

export interface ParamContract {
  description: string;
  schema?: Record<string, unknown>;
}

export interface OperationContract {
  tag: string;
  summary: string;
  description: string;
  /** Roles allowed besides admin; none: admin only. Absent with `public`. */
  roles?: readonly Role[];
  public?: boolean;
  /** Title of the schema of the required JSON body, and an example of it. */
  body?: { schema: string; example?: unknown };
  /** The success answer: status and the title of its schema (or none: no body). */
  ok: { status: Status; schema?: string; description: string; etag?: boolean };
  /** Path parameters by name. */
  params?: Record<string, ParamContract>;
  query?: Record<string, ParamContract & { required?: boolean }>;
  /** Error statuses besides 401/403 (secured), 400 (body, parameters), 413/415 (body) and 503 (writes). */
  errors?: readonly ErrorStatus[];
  /** Appends or changes stored state: may answer 503 when the store cannot write. */
  writes?: boolean;
}

const ERROR_MEANING: Record<number, string> = {
  400: 'Bad input; `details` lists every problem with its code and JSON path',
  401: 'No valid API key (`Authorization: Bearer <key>`)',
  403: "The key's role may not do this",
  404: 'Not found',
  409: 'Not allowed in the current state (`details` names the allowed actions), or a name already taken',
  412: 'If-Match names a revision that is not the current one',
  413: 'The body is larger than 5 MiB',
  415: 'The body is not `application/json`',
  503: 'The store cannot take the work now; retrying is safe',
};

/** Everything the OpenAPI document says of one operation: summary, roles, body, every status it can answer. */
export function ApiContract(contract: OperationContract): MethodDecorator {
  const statuses = new Set<number>(contract.errors ?? []);
  if (!contract.public) [401, 403].forEach((s) => statuses.add(s));
  if (contract.body) [400, 413, 415].forEach((s) => statuses.add(s));
  if (contract.query || contract.params) statuses.add(400);
  if (contract.writes) statuses.add(503);
  const roles = contract.public ? 'none (public)' : ['admin', ...(contract.roles ?? [])].join(', ');
  const decorators = [
    ApiTags(contract.tag),
    ApiOperation({ summary: contract.summary, description: `${contract.description}\n\nRoles: ${roles}.` }),
    ApiResponse({
      status: contract.ok.status,
      description: contract.ok.description,
      ...(contract.ok.schema ? { schema: schemaRef(contract.ok.schema) } : {}),
      ...(contract.ok.etag
        ? { headers: { ETag: { description: 'The journey revision, for If-Match', schema: { type: 'string' } } } }
        : {}),
    }),
    ...[...statuses]
      .sort()
      .map((status) => ApiResponse({ status, description: ERROR_MEANING[status], schema: schemaRef('ErrorBody') })),
    ...Object.entries(contract.params ?? {}).map(([name, param]) =>
      ApiParam({ name, required: true, description: param.description, schema: param.schema ?? { type: 'string' } }),
    ),
    ...Object.entries(contract.query ?? {}).map(([name, param]) =>
      ApiQuery({
        name,
        required: param.required ?? false,
        description: param.description,
        schema: param.schema ?? { type: 'string' },
      }),
    ),
    contract.public ? ApiExtension('x-public', true) : ApiSecurity(API_KEY_SCHEME),
  ];
  if (contract.body) {
    decorators.push(
      ApiBody({
        required: true,
        schema: schemaRef(contract.body.schema),
        ...(contract.body.example === undefined ? {} : { examples: { example: { value: contract.body.example } } }),
      }),
    );
  }
  return applyDecorators(...decorators);
}

/**
 * Every text path parameter, as PathParamPipe (applied to every route) checks it: 1 to 200
 * characters, one of them not white space. A document that allowed less would promise answers the
 * service refuses with 400.
 */
export const PATH_TEXT = {
  type: 'string',
  minLength: 1,
  maxLength: LIMITS.identifierMaxLength,
  pattern: NOT_BLANK_PATTERN,
} as const;

/** Path parameters most routes share. */
export const PARAMS = {
  journeyId: { description: 'The journey id (returned when it was created)', schema: PATH_TEXT },
  version: {
    description: 'A version number of the journey',
    schema: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  },
  customerId: { description: 'The customer id', schema: PATH_TEXT },
  templateId: { description: 'The template id', schema: PATH_TEXT },
  triggerName: { description: 'The trigger definition name', schema: PATH_TEXT },
  segmentId: { description: 'The segment id', schema: PATH_TEXT },
} satisfies Record<string, ParamContract>;
