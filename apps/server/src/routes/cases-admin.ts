/**
 * Case administration: law-enforcement referrals (export for submission, record the submission),
 * legal holds and the retention sweep, webhook endpoints and deliveries, case settings, and the
 * dashboard statistics. Exports and holds concern children's data and are audited; webhook
 * secrets are shown once, at creation or rotation.
 */
import { z } from 'zod';
import { SafeguardError } from '@safeguard/core';
import { DEFAULT_SLA_MINUTES, EEA_TERRITORIAL_SCOPE, WEBHOOK_EVENTS, newWebhookSecret } from '@safeguard/cases';
import { CaseStore, type CaseSettings } from '@safeguard/store';
import { principalOf } from '../app.js';
import { audit } from '../services/audit-service.js';
import { errorResponses } from '../schemas.js';
import {
  CaseId,
  Cursor,
  DeliveryView,
  EndpointView,
  HoldView,
  Limit,
  ReferralView,
  Severity,
  WebhookEventName,
  presentDelivery,
  presentEndpoint,
  presentHold,
  presentReferral,
} from './cases-views.js';
import type { ZodApp } from './types.js';

const ReferralParams = z.strictObject({ referralId: z.string().regex(/^rf_[a-z0-9]{16}$/) });
const HoldParams = z.strictObject({ holdId: z.string().regex(/^lh_[a-z0-9]{16}$/) });
const EndpointParams = z.strictObject({ endpointId: z.string().regex(/^wh_[a-z0-9]{16}$/) });
const DeliveryParams = z.strictObject({ deliveryId: z.string().regex(/^dl_[a-z0-9]{16}$/) });

/** Webhook URLs: https, or http to this machine (development and tests); no credentials in the URL. */
const WebhookUrl = z
  .string()
  .max(2048)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        if (url.username || url.password) return false;
        if (url.protocol === 'https:') return true;
        return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
      } catch {
        return false;
      }
    },
    { message: 'webhook URLs must be https:// (http:// only to localhost) and carry no credentials' },
  );

const Contact = z.strictObject({
  firstName: z.string().max(100).nullish(),
  lastName: z.string().max(100).nullish(),
  email: z.email().max(254).nullish(),
  phone: z.string().max(40).nullish(),
  companyTemplate: z.string().max(3000).nullish(),
  termsOfService: z.string().max(3000).nullish(),
  legalUrl: z.url().max(2083).nullish(),
});

const SettingsBody = z.strictObject({
  slaMinutes: z.strictObject({ critical: z.number().int().min(1).max(43_200), high: z.number().int().min(1).max(43_200), medium: z.number().int().min(1).max(43_200), low: z.number().int().min(1).max(43_200) }).partial().optional(),
  lockMinutes: z.number().int().min(1).max(120).optional(),
  evidenceRetentionDays: z.number().int().min(365).max(3650).optional().describe('At least one year (18 U.S.C. §2258A(h))'),
  strikeTtlDays: z.number().int().min(1).max(3650).optional(),
  reasonAliases: z.record(z.string().min(1).max(128), z.string().min(1).max(64)).optional().describe("Map the platform's own policy ids (e.g. Coop policy ids) to reason codes"),
  sor: z
    .strictObject({
      territorialScope: z.array(z.enum(EEA_TERRITORIAL_SCOPE as [string, ...string[]])).optional(),
      termsUrl: z.url().max(500).nullish(),
      legalGrounds: z.record(z.string(), z.string().min(1).max(500)).optional(),
      termsGrounds: z.record(z.string(), z.string().min(1).max(500)).optional(),
    })
    .optional(),
  referrals: z
    .strictObject({
      targets: z.array(z.enum(['ncmec', 'nca'])).optional(),
      ncaWhenUkLinked: z.boolean().optional(),
      includeMedia: z.boolean().optional().describe('Send media in referrals (off unless turned on)'),
      platform: z.string().min(1).max(256).optional(),
      espService: z.string().min(1).max(256).optional(),
      chatClient: z.string().min(1).max(256).optional(),
      reporter: Contact.optional(),
    })
    .optional(),
  appeals: z.strictObject({ reviewerMustDiffer: z.boolean().optional() }).optional(),
});

const SettingsView = z.object({
  slaMinutes: z.record(z.string(), z.number()),
  lockMinutes: z.number(),
  evidenceRetentionDays: z.number(),
  strikeTtlDays: z.number(),
  reasonAliases: z.record(z.string(), z.string()),
  sor: z.object({ territorialScope: z.array(z.string()), termsUrl: z.string().nullable(), legalGrounds: z.record(z.string(), z.string()), termsGrounds: z.record(z.string(), z.string()) }),
  referrals: z.object({
    targets: z.array(z.string()),
    ncaWhenUkLinked: z.boolean(),
    includeMedia: z.boolean(),
    platform: z.string(),
    espService: z.string(),
    chatClient: z.string(),
    reporter: z.record(z.string(), z.unknown()),
  }),
  appeals: z.object({ reviewerMustDiffer: z.boolean() }),
});

const presentSettings = (s: CaseSettings): z.infer<typeof SettingsView> => JSON.parse(JSON.stringify(s)) as z.infer<typeof SettingsView>;

const Stats = z.object({
  from: z.string(),
  to: z.string(),
  now: z.string(),
  slaMinutes: z.record(z.string(), z.number()),
  casesOpened: z.array(z.object({ day: z.string(), severity: Severity, count: z.number() })),
  reports: z.array(z.object({ day: z.string(), source: z.string(), count: z.number() })),
  alerts: z.array(z.object({ day: z.string(), kind: z.string(), count: z.number() })),
  decisions: z.array(z.object({ day: z.string(), action: z.string(), count: z.number() })),
  handlingTimes: z.record(z.string(), z.object({ count: z.number(), medianMs: z.number().nullable(), p90Ms: z.number().nullable() })),
  slaBreaches: z.array(z.object({ day: z.string(), decided: z.number(), breached: z.number() })),
  backlog: z.record(Severity, z.object({ open: z.number(), breached: z.number(), unassigned: z.number() })),
  appeals: z.object({ lodged: z.number(), decided: z.number(), outcomes: z.record(z.string(), z.number()), medianHandlingMs: z.number().nullable() }),
  referrals: z.array(z.object({ target: z.string(), status: z.string(), count: z.number() })),
});

export function caseAdminRoutes(app: ZodApp, cases: CaseStore): void {
  const { store, clock } = app.services;

  // ---- referrals ----------------------------------------------------------------------------

  app.get(
    '/v1/referrals',
    {
      config: { permission: 'referrals:export' },
      schema: {
        tags: ['referrals'],
        summary: 'Law-enforcement referrals (queued, exported, submitted)',
        querystring: z.strictObject({ status: z.enum(['queued', 'exported', 'submitted']).optional(), cursor: Cursor.optional(), limit: Limit(200, 50) }),
        response: { 200: z.object({ items: z.array(ReferralView), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const page = await cases.listReferrals(principal.tenantId, request.query);
      return { items: page.items.map(presentReferral), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/referrals/:referralId',
    {
      config: { permission: 'referrals:export' },
      schema: { tags: ['referrals'], summary: 'A referral', params: ReferralParams, response: { 200: ReferralView, ...errorResponses } },
    },
    async (request) => {
      const principal = principalOf(request);
      const referral = await cases.getReferral(principal.tenantId, request.params.referralId);
      if (!referral) throw new SafeguardError('not_found', `Unknown referral "${request.params.referralId}"`, { referralId: request.params.referralId });
      return presentReferral(referral);
    },
  );

  app.post(
    '/v1/referrals/:referralId/export',
    {
      config: { permission: 'referrals:export' },
      schema: {
        tags: ['referrals'],
        summary: 'Export a referral for submission (audited)',
        description:
          'NCMEC: the CyberTipline <report> XML in XSD element order (plus <fileDetails> documents only when the tenant enabled media). NCA: Safeguard JSON for the UK variant. `missing` lists facts still needed before submitting (e.g. the reporting contact in case settings).',
        params: ReferralParams,
        response: {
          200: z.object({
            referral: ReferralView,
            format: z.enum(['cybertipline-xml', 'nca-json']),
            content: z.string(),
            fileDetails: z.array(z.object({ evidenceId: z.string(), xml: z.string() })),
            missing: z.array(z.string()),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const result = await store.transaction(async (tx) => {
        const exported = await new CaseStore(tx).exportReferral(principal.tenantId, request.params.referralId, principal.keyId, clock.now());
        await audit(tx, principal, { action: 'referral.export', target: request.params.referralId, details: { caseId: exported.referral.caseId, format: exported.format } });
        return exported;
      });
      return { referral: presentReferral(result.referral), format: result.format, content: result.content, fileDetails: [...result.fileDetails], missing: [...result.missing] };
    },
  );

  app.post(
    '/v1/referrals/:referralId/submitted',
    {
      config: { permission: 'referrals:export' },
      schema: {
        tags: ['referrals'],
        summary: 'Record that a referral was submitted (starts one year of preservation)',
        params: ReferralParams,
        body: z.strictObject({ reportId: z.string().min(1).max(128).describe("The authority's report id (NCMEC reportId)") }),
        response: { 200: ReferralView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const referral = await store.transaction(async (tx) => {
        const marked = await new CaseStore(tx).markReferralSubmitted(principal.tenantId, request.params.referralId, principal.keyId, request.body.reportId, clock.now());
        await audit(tx, principal, { action: 'referral.submitted', target: request.params.referralId, details: { caseId: marked.caseId } });
        return marked;
      });
      return presentReferral(referral);
    },
  );

  // ---- legal holds and retention ------------------------------------------------------------

  app.post(
    '/v1/cases/:caseId/legal-holds',
    {
      config: { permission: 'legal-holds:manage' },
      schema: {
        tags: ['retention'],
        summary: "Place a legal hold on a case's evidence",
        params: z.strictObject({ caseId: CaseId }),
        body: z.strictObject({ reason: z.string().min(1).max(500), authority: z.string().max(200).optional(), reference: z.string().max(200).optional() }),
        response: { 201: HoldView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const hold = await store.transaction(async (tx) => {
        const placed = await new CaseStore(tx).placeHold(principal.tenantId, request.params.caseId, principal.keyId, request.body, clock.now());
        await audit(tx, principal, { action: 'legal-hold.place', target: request.params.caseId, details: { holdId: placed.id } });
        return placed;
      });
      return reply.status(201).send(presentHold(hold));
    },
  );

  app.get(
    '/v1/legal-holds',
    {
      config: { permission: 'legal-holds:manage' },
      schema: {
        tags: ['retention'],
        summary: 'Legal holds',
        querystring: z.strictObject({ active: z.enum(['true', 'false']).optional(), cursor: Cursor.optional(), limit: Limit(200, 100) }),
        response: { 200: z.object({ items: z.array(HoldView), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      const page = await cases.listHolds(principal.tenantId, { ...(q.active ? { active: q.active === 'true' } : {}), cursor: q.cursor, limit: q.limit });
      return { items: page.items.map(presentHold), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/legal-holds/:holdId/release',
    {
      config: { permission: 'legal-holds:manage' },
      schema: { tags: ['retention'], summary: 'Release a legal hold', params: HoldParams, response: { 200: HoldView, ...errorResponses } },
    },
    async (request) => {
      const principal = principalOf(request);
      const hold = await store.transaction(async (tx) => {
        const released = await new CaseStore(tx).releaseHold(principal.tenantId, request.params.holdId, principal.keyId, clock.now());
        await audit(tx, principal, { action: 'legal-hold.release', target: released.caseId, details: { holdId: released.id } });
        return released;
      });
      return presentHold(hold);
    },
  );

  app.post(
    '/v1/retention/sweep',
    {
      config: { permission: 'legal-holds:manage' },
      schema: {
        tags: ['retention'],
        summary: 'Delete evidence past retention now (the server also sweeps hourly)',
        response: { 200: z.object({ evidenceDeleted: z.number(), keptUnderHold: z.number(), referralsPurged: z.number() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const result = await cases.sweepRetention(clock.now(), principal.tenantId);
      await audit(store, principal, { action: 'retention.sweep', target: null, details: { ...result } });
      return result;
    },
  );

  // ---- webhooks -----------------------------------------------------------------------------

  const WithSecret = z.object({ endpoint: EndpointView, secret: z.string().describe('Shown once: verify Safeguard-Signature with it') });

  app.post(
    '/v1/webhooks',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags: ['webhooks'],
        summary: 'Add a webhook endpoint',
        description: `Events: ${WEBHOOK_EVENTS.join(', ')} (all by default). Events raised before any endpoint existed are delivered to the first one.`,
        body: z.strictObject({ url: WebhookUrl, events: z.array(WebhookEventName).min(1).optional(), description: z.string().max(200).optional(), active: z.boolean().optional() }),
        response: { 201: WithSecret, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const secret = newWebhookSecret();
      const endpoint = await store.transaction(async (tx) => {
        const created = await new CaseStore(tx).createEndpoint(principal.tenantId, { ...request.body, secret }, clock.now());
        await audit(tx, principal, { action: 'webhook.create', target: created.id, details: { events: created.events } });
        return created;
      });
      app.services.webhooks.poke();
      return reply.status(201).send({ endpoint: presentEndpoint(endpoint), secret });
    },
  );

  app.get(
    '/v1/webhooks',
    {
      config: { permission: 'webhooks:manage' },
      schema: { tags: ['webhooks'], summary: 'Webhook endpoints', response: { 200: z.object({ items: z.array(EndpointView) }), ...errorResponses } },
    },
    async (request) => ({ items: (await cases.listEndpoints(principalOf(request).tenantId)).map(presentEndpoint) }),
  );

  app.patch(
    '/v1/webhooks/:endpointId',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags: ['webhooks'],
        summary: 'Change a webhook endpoint (url, events, active)',
        params: EndpointParams,
        body: z.strictObject({ url: WebhookUrl.optional(), events: z.array(WebhookEventName).min(1).optional(), description: z.string().max(200).nullable().optional(), active: z.boolean().optional() }),
        response: { 200: EndpointView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const updated = await store.transaction(async (tx) => {
        const changed = await new CaseStore(tx).updateEndpoint(principal.tenantId, request.params.endpointId, request.body, clock.now());
        await audit(tx, principal, { action: 'webhook.update', target: changed.id, details: { fields: Object.keys(request.body).sort() } });
        return changed;
      });
      app.services.webhooks.poke();
      return presentEndpoint(updated);
    },
  );

  app.delete(
    '/v1/webhooks/:endpointId',
    {
      config: { permission: 'webhooks:manage' },
      schema: { tags: ['webhooks'], summary: 'Remove a webhook endpoint (its undelivered events wait for another)', params: EndpointParams, response: { 200: z.object({ deleted: z.literal(true) }), ...errorResponses } },
    },
    async (request) => {
      const principal = principalOf(request);
      await store.transaction(async (tx) => {
        const deleted = await new CaseStore(tx).deleteEndpoint(principal.tenantId, request.params.endpointId);
        if (!deleted) throw new SafeguardError('not_found', `Unknown webhook endpoint "${request.params.endpointId}"`, { endpointId: request.params.endpointId });
        await audit(tx, principal, { action: 'webhook.delete', target: request.params.endpointId });
      });
      return { deleted: true as const };
    },
  );

  app.post(
    '/v1/webhooks/:endpointId/rotate-secret',
    {
      config: { permission: 'webhooks:manage' },
      schema: { tags: ['webhooks'], summary: 'Replace the signing secret (shown once)', params: EndpointParams, response: { 200: WithSecret, ...errorResponses } },
    },
    async (request) => {
      const principal = principalOf(request);
      const secret = newWebhookSecret();
      const endpoint = await store.transaction(async (tx) => {
        const changed = await new CaseStore(tx).updateEndpoint(principal.tenantId, request.params.endpointId, { secret }, clock.now());
        await audit(tx, principal, { action: 'webhook.rotate-secret', target: changed.id });
        return changed;
      });
      return { endpoint: presentEndpoint(endpoint), secret };
    },
  );

  app.post(
    '/v1/webhooks/:endpointId/test',
    {
      config: { permission: 'webhooks:manage' },
      schema: { tags: ['webhooks'], summary: 'Send a signed webhook.test event to this endpoint', params: EndpointParams, response: { 202: z.object({ queued: z.number() }), ...errorResponses } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const endpoint = await cases.getEndpoint(principal.tenantId, request.params.endpointId);
      if (!endpoint) throw new SafeguardError('not_found', `Unknown webhook endpoint "${request.params.endpointId}"`, { endpointId: request.params.endpointId });
      if (!endpoint.events.includes('webhook.test')) throw new SafeguardError('conflict', 'This endpoint is not subscribed to webhook.test', { endpointId: endpoint.id });
      const queued = await cases.enqueueEvent(principal.tenantId, 'webhook.test', null, { message: 'Safeguard webhook test' }, clock.now(), endpoint.id);
      app.services.webhooks.poke();
      return reply.status(202).send({ queued });
    },
  );

  app.get(
    '/v1/webhooks/deliveries',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook deliveries (held, pending with attempts and last error, delivered)',
        querystring: z.strictObject({ status: z.enum(['held', 'pending', 'delivered']).optional(), cursor: Cursor.optional(), limit: Limit(200, 50) }),
        response: { 200: z.object({ items: z.array(DeliveryView), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const page = await cases.listDeliveries(principalOf(request).tenantId, request.query);
      return { items: page.items.map(presentDelivery), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/webhooks/deliveries/:deliveryId/retry',
    {
      config: { permission: 'webhooks:manage' },
      schema: { tags: ['webhooks'], summary: 'Retry a pending delivery now', params: DeliveryParams, response: { 200: DeliveryView, ...errorResponses } },
    },
    async (request) => {
      const delivery = await cases.retryDelivery(principalOf(request).tenantId, request.params.deliveryId, clock.now());
      app.services.webhooks.poke();
      return presentDelivery(delivery);
    },
  );

  // ---- settings and statistics --------------------------------------------------------------

  app.get(
    '/v1/cases/settings',
    {
      config: { permission: 'cases:read' },
      schema: { tags: ['cases'], summary: 'Case settings: SLA targets, locks, retention, statement-of-reasons and referral settings', response: { 200: SettingsView, ...errorResponses } },
    },
    async (request) => presentSettings(await cases.getSettings(principalOf(request).tenantId)),
  );

  app.put(
    '/v1/cases/settings',
    {
      config: { permission: 'cases:configure' },
      schema: { tags: ['cases'], summary: 'Change case settings (fields given are merged in)', body: SettingsBody, response: { 200: SettingsView, ...errorResponses } },
    },
    async (request) => {
      const principal = principalOf(request);
      const settings = await store.transaction(async (tx) => {
        const merged = await new CaseStore(tx).updateSettings(principal.tenantId, request.body as Parameters<CaseStore['updateSettings']>[1], clock.now());
        await audit(tx, principal, { action: 'cases.settings', target: null, details: { fields: Object.keys(request.body).sort() } });
        return merged;
      });
      return presentSettings(settings);
    },
  );

  app.get(
    '/v1/cases/stats',
    {
      config: { permission: 'cases:stats' },
      schema: {
        tags: ['cases'],
        summary: 'Dashboard: volumes, handling times, SLA breaches, backlog, appeals, referrals',
        description: 'Counts per day (UTC) in [from, to) — default the last 30 days — and the open backlog now. No personal data.',
        querystring: z.strictObject({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }),
        response: { 200: Stats, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const nowMs = clock.now().getTime();
      const toMs = request.query.to ? Date.parse(request.query.to) : nowMs + 1;
      const fromMs = request.query.from ? Date.parse(request.query.from) : toMs - 30 * 86_400_000;
      if (fromMs >= toMs) throw new SafeguardError('validation_failed', '`from` must be before `to`', { field: 'from' });
      if (toMs - fromMs > 366 * 86_400_000) throw new SafeguardError('validation_failed', 'The period may be at most 366 days', { field: 'from' });
      const stats = await cases.stats(principal.tenantId, fromMs, toMs, nowMs);
      const settings = await cases.getSettings(principal.tenantId);
      return { ...stats, slaMinutes: { ...DEFAULT_SLA_MINUTES, ...settings.slaMinutes } };
    },
  );
}
