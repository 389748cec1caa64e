/** Health, readiness, metrics, the OpenAPI document, and "who am I". */
import { z } from 'zod';
import { principalOf } from '../app.js';
import { ROLE_PERMISSIONS } from '../permissions.js';
import { errorResponses, Role } from '../schemas.js';
import type { ZodApp } from './types.js';

export function systemRoutes(app: ZodApp): void {
  app.get(
    '/healthz',
    {
      config: { permission: null },
      schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { permission: null },
      schema: {
        hide: true,
        response: { 200: z.object({ status: z.literal('ready') }), 503: z.object({ status: z.string(), reason: z.string() }) },
      },
    },
    async (_request, reply) => {
      if (!app.services.accepting) return reply.status(503).send({ status: 'unavailable', reason: 'shutting down' });
      try {
        await app.services.store.ping();
      } catch {
        return reply.status(503).send({ status: 'unavailable', reason: 'database unreachable' });
      }
      return { status: 'ready' as const };
    },
  );

  app.get('/metrics', { config: { permission: null }, schema: { hide: true } }, async (_request, reply) => {
    const body = await app.services.metrics.registry.metrics();
    return reply.type(app.services.metrics.registry.contentType).send(body);
  });

  app.get('/openapi.json', { config: { permission: null }, schema: { hide: true } }, () => app.swagger());

  app.get(
    '/v1/me',
    {
      config: { permission: 'policy:read' },
      schema: {
        tags: ['system'],
        summary: 'The tenant, role and permissions of the calling key',
        response: {
          200: z.object({
            tenant: z.object({ id: z.string(), name: z.string() }),
            keyId: z.string(),
            role: Role,
            permissions: z.array(z.string()),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const tenant = await app.services.store.getTenant(principal.tenantId);
      return {
        tenant: { id: principal.tenantId, name: tenant?.name ?? '' },
        keyId: principal.keyId,
        role: principal.role,
        permissions: [...ROLE_PERMISSIONS[principal.role]],
      };
    },
  );
}
