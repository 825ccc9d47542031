import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Forbidden, Unauthenticated } from '../common/errors';
import type { Role } from '../config/app-config';
import { ApiKeyRing, type Caller } from './api-keys';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

export const API_KEY_RING = Symbol('API_KEY_RING');

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/** Authenticates `Authorization: Bearer <key>` and checks the caller's role against the endpoint's. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_RING) private readonly keys: ApiKeyRing,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const caller = match ? this.keys.identify(match[1]) : undefined;
    if (!caller) throw new Unauthenticated();
    const allowed = ['admin', ...(this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [])];
    if (!allowed.includes(caller.role)) throw new Forbidden(caller.role, allowed);
    request.caller = caller;
    return true;
  }
}
