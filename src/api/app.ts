import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from '../access/login-limit.ts';
import { can, type Permission, ROLES } from '../access/roles.ts';
import type { Database } from '../db/database.ts';
import { statementTimeoutFromEnv } from '../db/request-scope.ts';
import { KnownEventWriter } from '../importing/known-events.ts';
import { authHook } from './auth.ts';
import { CallerCache } from './caller-cache.ts';
import type { ApiContext } from './context.ts';
import { hasDashboard, isDashboardPage, registerDashboard, sendDashboard } from './dashboard-static.ts';
import { sendError } from './errors.ts';
import { ImportJobs } from './import-jobs.ts';
import { guardInput, parseJsonBodies } from './input-guard.ts';
import { redactUrl } from './log-redact.ts';
import { scopeRequests } from './request-limits.ts';
import { documentTransform, responseSerializer } from './response-check.ts';
import { accessRoutes } from './routes/access-routes.ts';
import { acquisitionRoutes } from './routes/acquisition-routes.ts';
import { analyticsRoutes } from './routes/analytics-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { broadcastRoutes } from './routes/broadcast-routes.ts';
import { catalogRoutes } from './routes/catalog-routes.ts';
import { couponRoutes } from './routes/coupon-routes.ts';
import { customerBulkRoutes } from './routes/customer-bulk-routes.ts';
import { customerRoutes } from './routes/customer-routes.ts';
import { customerServiceRoutes } from './routes/customer-service-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { importTemplateRoutes } from './routes/import-template-routes.ts';
import { ingestRoutes } from './routes/ingest-routes.ts';
import { invitationRoutes } from './routes/invitation-routes.ts';
import { journeyDraftRoutes } from './routes/journey-draft-routes.ts';
import { journeyRoutes } from './routes/journey-routes.ts';
import { type HostedCli, localCliRoutes } from './routes/local-cli-routes.ts';
import { loyaltyRoutes } from './routes/loyalty-routes.ts';
import { messagingRoutes } from './routes/messaging-routes.ts';
import { playbookRoutes } from './routes/playbook-routes.ts';
import { predictRoutes } from './routes/predict-routes.ts';
import { recommendRoutes } from './routes/recommend-routes.ts';
import { replenishmentRoutes } from './routes/replenishment-routes.ts';
import { segmentRoutes } from './routes/segment-routes.ts';
import { surveyPageRoutes } from './routes/survey-page-routes.ts';
import { surveyRoutes } from './routes/survey-routes.ts';
import { taskRoutes } from './routes/task-routes.ts';
import { trackingRoutes } from './routes/tracking-routes.ts';
import { wecomRoutes } from './routes/wecom-routes.ts';
import { SegmentationCache } from './segmentation-cache.ts';

/** How the API behaves; every field has a default fit for a single server. */
export interface ApiOptions {
  /** Requests per minute per API key or user (per address before sign-in). */
  rateLimitPerMinute?: number;
  /** Survey page requests per minute per client address (default RETAIN_SURVEY_RATE_LIMIT or 120). */
  surveyRequestsPerMinute?: number;
  /** Failed sign-ins allowed per account and per client address (default 10 and 50 in 15 minutes). */
  loginLimits?: LoginLimits;
  /** pino logging; false in tests. */
  logger?: boolean;
  /** Trust X-Forwarded-* from a reverse proxy (for the client address and https). */
  trustProxy?: boolean;
  /** Where uploaded import files are kept while they load. */
  uploadDir?: string;
  /** The built dashboard (`web/dist`); served at `/` when it holds an `index.html`. */
  dashboardDir?: string;
  /** The token of `retain serve`'s access file: CLI commands on this machine sent to the server. */
  localToken?: string;
  /** Runs CLI command lines sent with the local token (`POST /local/cli`); `retain serve` gives it. */
  hostedCli?: HostedCli;
  /** Fail (500) when a response schema would drop or change a field; default RETAIN_STRICT_RESPONSES=1 (the tests). */
  strictResponses?: boolean;
  /** Longest a database statement of a request may run, in ms (0: no limit); default RETAIN_STATEMENT_TIMEOUT_MS or 30 s. */
  statementTimeoutMs?: number;
}

/** Largest JSON body: a batch of 1,000 orders with lines fits well within it. */
export const BODY_LIMIT = 4 << 20;
/** Largest uploaded import file. */
export const UPLOAD_LIMIT = 1 << 30;

/**
 * Builds the HTTP API on a store: `/api/v1/*` routes with zod schemas that also generate the
 * OpenAPI document (`/api/openapi.json`, readable at `/api/docs`), authentication by API key or
 * session cookie, role checks, rate limits and one error mapping.
 */
export async function buildApp(store: Database, options: ApiOptions = {}) {
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: 'x-request-id',
    logger: options.logger
      ? {
          redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
          serializers: {
            req: (req) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
          },
        }
      : false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(
    responseSerializer(options.strictResponses ?? process.env.RETAIN_STRICT_RESPONSES === '1'),
  );
  app.setErrorHandler(sendError);
  scopeRequests(app, store, options.statementTimeoutMs ?? statementTimeoutFromEnv());
  // Before every route's schema: no NUL, lone surrogate, prototype key or deep nesting gets through.
  app.addHook('preValidation', guardInput);
  parseJsonBodies(app);
  const dashboard = hasDashboard(options.dashboardDir) ? options.dashboardDir : undefined;
  // Page addresses of the dashboard (/customers/42) load the app, which routes them itself.
  app.setNotFoundHandler((request, reply) =>
    dashboard && isDashboardPage(request)
      ? sendDashboard(reply, dashboard)
      : reply
          .code(404)
          .send({ error: 'not_found', message: `no route ${request.method} ${redactUrl(request.url)}` }),
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Each operation's documentation states the permission it needs (tests read it back too).
  app.addHook('onRoute', (route) => {
    const permission = (route.config as { permission?: string } | undefined)?.permission;
    if (!route.schema || !permission || permission === 'public') return;
    const needs = `Permission: \`${permission}\` (roles: ${rolesWith(permission)}).`;
    route.schema.description = route.schema.description ? `${route.schema.description}\n\n${needs}` : needs;
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: UPLOAD_LIMIT, files: 1 } });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Retain API',
        description: 'Retain 复购客户管理 — customers, orders, events, segments, RFM and metrics.',
        version: '1',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer rk_…`' },
          session: { type: 'apiKey', in: 'cookie', name: 'retain_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: documentTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { permission: 'public' } }, async () =>
    app.swagger(),
  );

  const context: ApiContext = {
    store,
    callers: new CallerCache(store),
    events: new KnownEventWriter(store.db),
    jobs: new ImportJobs(store, options.uploadDir, (error, jobId) =>
      app.log.error({ err: error, importId: jobId }, 'import failed unexpectedly'),
    ),
    segmentations: new SegmentationCache(store),
    loginLimits: options.loginLimits ?? DEFAULT_LOGIN_LIMITS,
  };
  app.addHook('onClose', async () => context.jobs.drain());
  // Any successful write may change scores: the next RFM read recomputes.
  app.addHook('onResponse', async (request, reply) => {
    if (request.caller && request.method !== 'GET' && reply.statusCode < 400) {
      context.segmentations.clear(request.caller.workspace.id);
    }
  });
  if (dashboard) await registerDashboard(app, dashboard);
  await app.register(healthRoutes, { ...context, landing: !dashboard });
  await app.register(trackingRoutes, context);
  await app.register(surveyPageRoutes, {
    ...context,
    answersPerMinute:
      options.surveyRequestsPerMinute ?? (Number(process.env.RETAIN_SURVEY_RATE_LIMIT) || 120),
  });
  await app.register(
    async (api) => {
      api.addHook('onRequest', authHook(store, context.callers, options.localToken));
      await api.register(rateLimit, {
        hook: 'preHandler',
        max: options.rateLimitPerMinute ?? 6000,
        timeWindow: 60_000,
        keyGenerator: (request) =>
          request.caller ? `${request.caller.actor.kind}:${request.caller.actor.id}` : request.ip,
      });
      await api.register(authRoutes, context);
      await api.register(customerRoutes, context);
      await api.register(customerBulkRoutes, context);
      await api.register(ingestRoutes, context);
      await api.register(importTemplateRoutes, context);
      await api.register(segmentRoutes, context);
      await api.register(analyticsRoutes, context);
      await api.register(couponRoutes, context);
      await api.register(loyaltyRoutes, context);
      await api.register(messagingRoutes, context);
      await api.register(catalogRoutes, context);
      await api.register(journeyRoutes, context);
      await api.register(journeyDraftRoutes, context);
      await api.register(accessRoutes, context);
      await api.register(invitationRoutes, context);
      await api.register(taskRoutes, context);
      await api.register(customerServiceRoutes, context);
      await api.register(surveyRoutes, context);
      await api.register(wecomRoutes, context);
      await api.register(playbookRoutes, context);
      await api.register(broadcastRoutes, context);
      await api.register(predictRoutes, context);
      await api.register(recommendRoutes, context);
      await api.register(acquisitionRoutes, context);
      await api.register(replenishmentRoutes, context);
      if (options.hostedCli) await api.register(localCliRoutes, { ...context, hostedCli: options.hostedCli });
    },
    { prefix: '/api/v1' },
  );
  return app;
}

const rolesWith = (permission: string) => ROLES.filter((r) => can(r, permission as Permission)).join(', ');
