import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from './api-keys';
import { CurrentCaller } from './caller.decorator';
import { Allow } from './roles.decorator';

/** Who the presented key is, so that a client (the console) offers only what the role may do. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  @Get()
  @Allow('editor', 'viewer', 'ingest')
  @ApiOperation({ summary: 'The caller', description: "The key's name (the audit actor) and role." })
  me(@CurrentCaller() caller: Caller) {
    return { name: caller.name, role: caller.role };
  }
}
