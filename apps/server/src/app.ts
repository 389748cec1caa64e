/**
 * The HTTP application: Fastify with zod schemas (validation, types and OpenAPI from one source),
 * bearer-key authentication, per-route permissions, one error shape, metrics and redacted logs.
 * Routes stay thin: validate → authorise → use case → present.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { systemClock, type Clock, type MessageBus } from '@safeguard/core';
import type { SafeguardStore } from '@safeguard/store';
import { KeyAuthenticator, authorize, type Principal } from './auth.js';
import { registerConsole } from './console-static.js';
import { errorBody, handleError } from './http-errors.js';
import { loggerOptions } from './logging.js';
import { createMetrics, type AppMetrics } from './metrics.js';
import type { Permission } from './permissions.js';
import { accountRoutes } from './routes/accounts.js';
import { caseRoutes } from './routes/cases.js';
import { regulatorRoutes } from './routes/regulator.js';
import { adminRoutes } from './routes/admin.js';
import { connectionRoutes } from './routes/connections.js';
import { decisionRoutes } from './routes/decisions.js';
import { mediaRoutes } from './routes/media.js';
import { messageRoutes } from './routes/messages.js';
import { settingsRoutes } from './routes/settings.js';
import { systemRoutes } from './routes/system.js';
import { DecisionStatsRecorder } from './services/decision-stats.js';
import { RetentionSweeper } from './services/case-retention.js';
import { WebhookDeliveryService, type WebhookServiceOptions } from './services/webhooks.js';
import { appendToAlertCase, openCaseForAlert } from './services/alert-cases.js';
import { ContactRiskService } from './services/contact-risk-service.js';
import { IngestService } from './services/ingest-service.js';
import { MediaService } from './services/media-service.js';
import { PrivacySweeper } from './services/privacy-sweeper.js';
import { PolicyService } from './services/policy-service.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const API_VERSION = '0.1.0';

export interface AppOptions {
  readonly store: SafeguardStore;
  readonly logLevel?: string;
  /** Where logs go (tests capture them); stdout by default. */
  readonly logStream?: NodeJS.WritableStream;
  readonly clock?: Clock;
  /** How long cached accounts and neighbourhoods are trusted (ms). */
  readonly cacheTtlMs?: number;
  /** Decision-statistics flush interval (ms). */
  readonly statsFlushMs?: number;
  /** Webhook delivery tuning (poll interval, backoff, timeout). */
  readonly webhooks?: WebhookServiceOptions;
  /** Scale-out: publish ingested messages here for workers instead of processing them inline. */
  readonly bus?: MessageBus;
  /** Hours message text is kept in conversations with no alert or report (default 72). */
  readonly textRetentionHours?: number;
}

export interface AppServices {
  readonly store: SafeguardStore;
  readonly policy: PolicyService;
  readonly keys: KeyAuthenticator;
  readonly metrics: AppMetrics;
  readonly stats: DecisionStatsRecorder;
  readonly ingest: IngestService;
  readonly contactRisk: ContactRiskService;
  /** Delivers the webhook outbox (case decisions, appeal outcomes) to the platform, signed. */
  readonly webhooks: WebhookDeliveryService;
  readonly retention: RetentionSweeper;
  /** Present in scale-out mode (SAFEGUARD_BUS_URL). */
  readonly bus: MessageBus | undefined;
  readonly media: MediaService;
  /** Removes unretained message text and expired evidence bytes on a timer. */
  readonly privacy: PrivacySweeper;
  readonly clock: Clock;
  /** False once shutdown has begun: /readyz then fails so load balancers stop sending traffic. */
  accepting: boolean;
}

/** What every route declares in its `config`. */
export interface RouteMeta {
  /** The permission a key needs; null for public routes (health, docs). */
  readonly permission: Permission | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission | null;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    services: AppServices;
    /** Every route registered, for generated tests (tenant isolation) and documentation. */
    routeTable: RouteOptions[];
  }
}

export type SafeguardApp = FastifyInstance;

/** The authenticated principal of a request on a route that declared a permission. */
export function principalOf(request: { principal: Principal | null }): Principal {
  if (!request.principal) throw new Error('route reached without authentication: declare config.permission');
  return request.principal;
}

export async function buildApp(options: AppOptions): Promise<SafeguardApp> {
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', options.logStream),
    bodyLimit: BODY_LIMIT_BYTES,
    // Long enough that over-long ids reach validation and get a clear message, not a bare 414.
    routerOptions: { maxParamLength: 512 },
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false } },
  });
  // The API speaks JSON only: other bodies are a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0] ?? ''}; see /docs for the API`));
  });

  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  const stats = new DecisionStatsRecorder(options.store, options.statsFlushMs ?? 5000, (error) =>
    app.log.error({ err: error }, 'decision statistics flush failed; will retry'),
  );
  const policy = new PolicyService(options.store, { cacheTtlMs: options.cacheTtlMs ?? 60_000, clock, stats });
  const services: AppServices = {
    store: options.store,
    policy,
    ingest: new IngestService(options.store, policy, { clock, alertHooks: [openCaseForAlert], alertedConversationHooks: [appendToAlertCase] }),
    contactRisk: new ContactRiskService(policy, clock, [openCaseForAlert]),
    bus: options.bus,
    media: new MediaService(options.store, policy, clock, [openCaseForAlert]),
    privacy: new PrivacySweeper(options.store, clock, (options.textRetentionHours ?? 72) * 3_600_000, (error) =>
      app.log.error({ err: error }, 'privacy sweep failed; will retry'),
    ),
    webhooks: new WebhookDeliveryService(options.store, clock, app.log, options.webhooks),
    retention: new RetentionSweeper(options.store, clock, app.log),
    keys: new KeyAuthenticator(options.store),
    metrics,
    stats,
    clock,
    accepting: true,
  };
  app.decorate('services', services);
  app.decorate('routeTable', [] as RouteOptions[]);
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    app.routeTable.push(route);
  });

  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined || permission === null) return;
    // Coop clients send X-API-KEY (INTEROP.md §1.1); it carries the same key.
    const apiKey = request.headers['x-api-key'];
    const principal = await services.keys.authenticate(request.headers.authorization ?? (typeof apiKey === 'string' ? `Bearer ${apiKey}` : undefined));
    authorize(principal, permission);
    request.principal = principal;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration
      .labels(request.method, route, String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Safeguard API',
        version: API_VERSION,
        description:
          'Child-safety infrastructure for online platforms: child accounts with protective defaults, interaction decisions that cite the rules behind them, and an audit trail. Authenticate with `Authorization: Bearer <API key>`.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key (sgk_…)' } },
      },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await registerConsole(app);

  await app.register((scope, _opts, done) => {
    systemRoutes(scope.withTypeProvider<ZodTypeProvider>());
    accountRoutes(scope.withTypeProvider<ZodTypeProvider>());
    settingsRoutes(scope.withTypeProvider<ZodTypeProvider>());
    connectionRoutes(scope.withTypeProvider<ZodTypeProvider>());
    decisionRoutes(scope.withTypeProvider<ZodTypeProvider>());
    messageRoutes(scope.withTypeProvider<ZodTypeProvider>());
    mediaRoutes(scope.withTypeProvider<ZodTypeProvider>());
    adminRoutes(scope.withTypeProvider<ZodTypeProvider>());
    caseRoutes(scope.withTypeProvider<ZodTypeProvider>());
    regulatorRoutes(scope.withTypeProvider<ZodTypeProvider>());
    done();
  });

  app.addHook('onClose', async () => {
    services.accepting = false;
    await stats.stop();
    await services.webhooks.stop();
    await services.retention.stop();
    await services.media.close();
    await services.privacy.stop();
  });
  stats.start();
  services.privacy.start();
  services.webhooks.start();
  services.retention.start();
  return app;
}
