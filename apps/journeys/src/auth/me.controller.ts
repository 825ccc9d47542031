import { Controller, Get } from '@nestjs/common';
import { ApiContract } from '../common/api-contract';
import type { Caller } from './api-keys';
import { CurrentCaller } from './caller.decorator';
import { Allow } from './roles.decorator';

/** Who the presented key is, so that a client (the console) offers only what the role may do. */
@Controller('me')
export class MeController {
  @Get()
  @Allow('editor', 'viewer', 'ingest')
  @ApiContract({
    tag: 'auth',
    summary: 'Read the caller',
    description: "The presented key's name (the actor in the audit history) and role.",
    roles: ['editor', 'viewer', 'ingest'],
    ok: { status: 200, schema: 'Caller', description: 'The name and role' },
  })
  me(@CurrentCaller() caller: Caller) {
    return { name: caller.name, role: caller.role };
  }
}
