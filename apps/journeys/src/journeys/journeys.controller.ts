import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { JOURNEY_STATES } from '@journeys/contract';
import { ReadModelStore } from '@journeys/read-models';
import type { Caller } from '../auth/api-keys';
import { CurrentCaller } from '../auth/caller.decorator';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { ApiContract, PARAMS } from '../common/api-contract';
import { CLOCK, type Clock } from '../common/clock';
import { VersionPipe } from '../common/path-params';
import { commandContext } from '../common/command-context';
import { NotFound, ValidationFailed } from '../common/errors';
import { journeyNotFound } from './journey-command.service';
import { parsedDefinition } from './journey-command.handlers';
import {
  CopyJourneyCommand,
  CreateJourneyCommand,
  JourneyActionCommand,
  SaveAsTemplateCommand,
  StopVersionCommand,
  UpdateDraftCommand,
  VersionActionCommand,
  type JourneyResult,
} from './journey.commands';
import { RequiredBodyPipe, SchemaBody } from '../common/schema-body';
import {
  ListJourneysQuery,
  PageQuery,
  templateOf,
  type CopyJourneyRequest,
  type SaveAsTemplateRequest,
} from './journey.requests';
import { auditHistoryProjection } from './projections/audit-history.projection';
import { journeyDetail, journeyStateProjection, type JourneyView } from './projections/journey-state.projection';
import { welcomeJourneyExample as WELCOME_EXAMPLE } from '@journeys/definition';

/** `If-Match: "7"` (or `W/"7"`, or `7`) -> 7. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (!match) {
    throw new ValidationFailed([
      { code: 'InvalidIfMatch', path: 'If-Match', message: 'If-Match must be a revision such as "7"' },
    ]);
  }
  return Number(match[1]);
}

@Controller('journeys')
export class JourneysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @Allow('editor')
  @ApiContract({
    tag: 'journeys',
    summary: 'Create a journey',
    description:
      'Creates a journey whose version 1 is a Draft with this definition. The shape is checked now (400 lists every problem); graph, reference and time rules when it is published. See docs/journey-definition.md.',
    roles: ['editor'],
    body: { schema: 'JourneyDefinition', example: WELCOME_EXAMPLE },
    ok: { status: 201, schema: 'Journey', description: 'The journey, version 1 in Draft', etag: true },
    errors: [409],
    writes: true,
  })
  async create(
    @Body(RequiredBodyPipe) body: unknown,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commands.execute(new CreateJourneyCommand(parsedDefinition(body), this.context(caller)));
    return this.respond(result, reply);
  }

  @Get()
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'journeys',
    summary: 'List journeys',
    description: 'Every journey with its displayed state and revision, optionally only those in one state.',
    roles: READ_ROLES,
    query: { state: { description: 'Only journeys in this displayed state', schema: { enum: JOURNEY_STATES } } },
    ok: { status: 200, schema: 'JourneyList', description: 'The journeys' },
  })
  list(@Query() query: ListJourneysQuery) {
    const where = query.state ? { column: 'state', value: query.state } : undefined;
    return { journeys: journeyStateProjection.find(this.readModels.db, where).map(summaryOf) };
  }

  @Get(':id')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'journeys',
    summary: 'Get a journey',
    description: 'Its displayed state, revision (also the ETag) and versions with their validation errors.',
    roles: READ_ROLES,
    params: { id: PARAMS.journeyId },
    ok: { status: 200, schema: 'Journey', description: 'The journey', etag: true },
    errors: [404],
  })
  get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = this.view(id);
    void reply.header('etag', `"${view.revision}"`);
    return journeyDetail(view);
  }

  @Get(':id/versions/:version')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'journeys',
    summary: 'Get one version',
    description: 'The definition, state and validation errors of one version.',
    roles: READ_ROLES,
    params: { id: PARAMS.journeyId, version: PARAMS.version },
    ok: { status: 200, schema: 'JourneyVersion', description: 'The version' },
    errors: [404],
  })
  version(@Param('id') id: string, @Param('version', VersionPipe) version: number) {
    const found = this.view(id).versions.find((v) => v.version === version);
    if (!found) throw new NotFound('VERSION_NOT_FOUND', `Journey ${id} has no version ${version}`);
    return found;
  }

  @Put(':id/draft')
  @Allow('editor')
  @ApiContract({
    tag: 'journeys',
    summary: 'Replace the draft',
    description:
      'Replaces the definition of the Draft version (Draft or "Live, editing"). With If-Match, a revision other than the current one is refused with 412.',
    roles: ['editor'],
    params: { id: PARAMS.journeyId },
    body: { schema: 'JourneyDefinition', example: WELCOME_EXAMPLE },
    ok: { status: 200, schema: 'Journey', description: 'The journey with the new draft', etag: true },
    errors: [404, 409, 412],
    writes: true,
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The revision last read, e.g. "7"',
    schema: { type: 'string', pattern: '^\\s*(W/)?"?[0-9]{1,15}"?\\s*$' },
  })
  async updateDraft(
    @Param('id') id: string,
    @Body(RequiredBodyPipe) body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = this.context(caller);
    const revision = parseIfMatch(ifMatch);
    const result = await this.commands.execute(new UpdateDraftCommand(id, body, context, revision));
    return this.respond(result, reply);
  }

  @Post(':id/publish')
  @HttpCode(202)
  @Allow('editor')
  @ApiContract({
    tag: 'journeys',
    summary: 'Publish the draft',
    description:
      'Validates the Draft version (graph, triggers Ready, schedule, waits, name). The answer shows it Live, or back in Draft with every validation error.',
    roles: ['editor'],
    params: { id: PARAMS.journeyId },
    ok: { status: 202, schema: 'Journey', description: 'The journey after validation', etag: true },
    errors: [404, 409],
    writes: true,
  })
  publish(@Param('id') id: string, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.action('PublishJourney', id, caller, reply);
  }

  @Post(':id/edit')
  @HttpCode(200)
  @Allow('editor')
  @ApiContract({
    tag: 'journeys',
    summary: 'Start editing a Live journey',
    description: 'Creates a new Draft version beside the Live one: the journey shows "Live, editing".',
    roles: ['editor'],
    params: { id: PARAMS.journeyId },
    ok: { status: 200, schema: 'Journey', description: 'The journey with its new Draft version', etag: true },
    errors: [404, 409],
    writes: true,
  })
  edit(@Param('id') id: string, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.action('EditJourney', id, caller, reply);
  }

  @Post(':id/discard')
  @HttpCode(200)
  @Allow('editor')
  @ApiContract({
    tag: 'journeys',
    summary: 'Discard the newer draft',
    description: 'Drops the Draft version beside the Live one; its number is not reused.',
    roles: ['editor'],
    params: { id: PARAMS.journeyId },
    ok: { status: 200, schema: 'Journey', description: 'The journey without the draft', etag: true },
    errors: [404, 409],
    writes: true,
  })
  discard(@Param('id') id: string, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.action('DiscardDraft', id, caller, reply);
  }

  @Post(':id/versions/:version/stop')
  @HttpCode(202)
  @Allow('editor')
  @ApiContract({
    tag: 'journeys',
    summary: 'Stop a version',
    description:
      'The version moves to Stopping: no new entries, every customer inside is removed, actions no reader was handed are cancelled; then Stopped. A stopped version cannot be restarted.',
    roles: ['editor'],
    params: { id: PARAMS.journeyId, version: PARAMS.version },
    ok: { status: 202, schema: 'Journey', description: 'The journey with the version Stopping', etag: true },
    errors: [404, 409],
    writes: true,
  })
  async stop(
    @Param('id') id: string,
    @Param('version', VersionPipe) version: number,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commands.execute(new StopVersionCommand(id, version, this.context(caller)));
    return this.respond(result, reply);
  }

  @Post(':id/versions/:version/pause')
  @HttpCode(200)
  @Allow('editor')
  @ApiContract({
    tag: 'journeys',
    summary: 'Pause a Live version',
    description:
      "The version is Paused: nobody enters (triggers and segment joiners are blocked with reason `paused`, segment enrolment waits) and no step runs (a customer whose wait ends, or whose trigger arrives, is held before the next step). Exits and goals still count. The pause ends on resume, when a newer version is published, on stop, or by itself once it has lasted the definition's `pause.maxDuration` (default P21D), as `pause.whenExceeded` says (default resume).",
    roles: ['editor'],
    params: { id: PARAMS.journeyId, version: PARAMS.version },
    ok: { status: 200, schema: 'Journey', description: 'The journey with the version Paused', etag: true },
    errors: [404, 409],
    writes: true,
  })
  pause(
    @Param('id') id: string,
    @Param('version', VersionPipe) version: number,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.versionAction('PauseVersion', id, version, caller, reply);
  }

  @Post(':id/versions/:version/resume')
  @HttpCode(200)
  @Allow('editor')
  @ApiContract({
    tag: 'journeys',
    summary: 'Resume a Paused version',
    description:
      "The version is Live again: entries are taken, and the customers held during the pause go on from where they were held, in the order they were held (their timers' due order), timed from the resume.",
    roles: ['editor'],
    params: { id: PARAMS.journeyId, version: PARAMS.version },
    ok: { status: 200, schema: 'Journey', description: 'The journey with the version Live', etag: true },
    errors: [404, 409],
    writes: true,
  })
  resume(
    @Param('id') id: string,
    @Param('version', VersionPipe) version: number,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.versionAction('ResumeVersion', id, version, caller, reply);
  }

  private async versionAction(
    action: 'PauseVersion' | 'ResumeVersion',
    id: string,
    version: number,
    caller: Caller,
    reply: FastifyReply,
  ) {
    const result = await this.commands.execute(new VersionActionCommand(action, id, version, this.context(caller)));
    return this.respond(result, reply);
  }

  @Post(':id/copy')
  @Allow('editor')
  @ApiContract({
    tag: 'journeys',
    summary: 'Copy a journey',
    description: 'A new journey in Draft with the definition of one version (the newest by default).',
    roles: ['editor'],
    params: { id: PARAMS.journeyId },
    body: { schema: 'CopyJourneyRequest', example: { name: 'Welcome series (copy)' } },
    ok: { status: 201, schema: 'Journey', description: 'The new journey', etag: true },
    errors: [404, 409],
    writes: true,
  })
  async copy(
    @Param('id') id: string,
    @SchemaBody('copy-journey-request.json') body: CopyJourneyRequest,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commands.execute(
      new CopyJourneyCommand(id, body.name, this.context(caller), body.version ?? undefined),
    );
    return this.respond(result, reply);
  }

  @Post(':id/save-as-template')
  @Allow('editor')
  @ApiContract({
    tag: 'templates',
    summary: 'Save a version as a template',
    description: 'An immutable snapshot of one version (the newest by default), from any state.',
    roles: ['editor'],
    params: { id: PARAMS.journeyId },
    body: {
      schema: 'SaveAsTemplateRequest',
      example: { name: 'Welcome template', description: 'Our standard welcome' },
    },
    ok: { status: 201, schema: 'TemplateSaved', description: 'The new template' },
    errors: [404, 409],
    writes: true,
  })
  saveAsTemplate(
    @Param('id') id: string,
    @SchemaBody('save-as-template-request.json') body: SaveAsTemplateRequest,
    @CurrentCaller() caller: Caller,
  ) {
    return this.commands.execute(new SaveAsTemplateCommand(id, templateOf(body), this.context(caller)));
  }

  @Get(':id/audit-history')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'journeys',
    summary: 'Read the audit history',
    description: 'Who did what, when, to which version, with what result (refusals included), oldest first, in pages.',
    roles: READ_ROLES,
    params: { id: PARAMS.journeyId },
    query: {
      after: {
        description: 'The `next` cursor of the previous page',
        schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
      },
      limit: { description: 'Entries per page (default 100)', schema: { type: 'integer', minimum: 1, maximum: 500 } },
    },
    ok: { status: 200, schema: 'AuditHistoryPage', description: 'One page of entries' },
    errors: [404],
  })
  auditHistory(@Param('id') id: string, @Query() query: PageQuery) {
    this.view(id);
    const after = query.after === undefined ? 0 : Number(query.after);
    if (!Number.isSafeInteger(after) || after < 0) {
      throw new ValidationFailed([
        { code: 'InvalidCursor', path: 'after', message: 'after must be a cursor from a previous page' },
      ]);
    }
    return auditHistoryProjection.page(this.readModels.db, id, after, query.limit ?? 100);
  }

  private async action(action: JourneyActionCommand['action'], id: string, caller: Caller, reply: FastifyReply) {
    const result = await this.commands.execute(new JourneyActionCommand(action, id, this.context(caller)));
    return this.respond(result, reply);
  }

  private context(caller: Caller) {
    return commandContext(caller.name, this.clock.now());
  }

  private view(id: string): JourneyView {
    const view = journeyStateProjection.get(this.readModels.db, id);
    if (!view) throw journeyNotFound(id);
    return view;
  }

  /** Answers with the journey as `GET /journeys/{id}` shows it, and its revision as the ETag. */
  private respond(result: JourneyResult, reply: FastifyReply) {
    void reply.header('etag', `"${result.revision}"`);
    const view = journeyStateProjection.get(this.readModels.db, result.id);
    return view ? journeyDetail(view) : result;
  }
}

function summaryOf(view: JourneyView) {
  return {
    id: view.id,
    name: view.name,
    state: view.state,
    revision: view.revision,
    updatedAt: view.updatedAt,
    versions: view.versions.map(({ version, state }) => ({ version, state })),
  };
}
