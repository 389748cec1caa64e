/**
 * Transparency reports and the regulator's toolkit over HTTP.
 *
 *   GET  /v1/transparency?from&to&format      the report for a period (json, csv, html, pdf), computed
 *                                              from stored events; 409 when totals do not reconcile
 *   GET  /v1/transparency/statements          statements of reasons in EU Transparency Database batches
 *   PUT  /v1/transparency/recipients          the platform reports monthly active recipients (Art 24(2))
 *   /v1/regulator/disclosures                 what the tenant discloses to its regulator
 *   /v1/regulator/breaches                    the breach register (rule, evidence, period, status, penalty)
 *   POST /v1/regulator/penalties              penalty caps with citations (UK OSA, EU DSA, US 2258A)
 *   /v1/regulator/bundles                     signed disclosure bundles (manifest, files, tar archive)
 *   GET  /v1/regulator/signing-keys           public keys recipients verify bundles against
 *   /v1/regulator/conformance                 stored conformance runs
 *
 * The `regulator` role is read-only and sees only what the tenant disclosed: a report for a period
 * inside a disclosed period, bundles and conformance runs disclosed by id (or all), the breach
 * register once disclosed. Everything a regulator reads is audited, as is every change here.
 */
import { z } from 'zod';
import { SafeguardError } from '@safeguard/core';
import { isKnownRuleId } from '@safeguard/policy';
import {
  BREACH_STATUSES,
  EVIDENCE_KINDS,
  MANIFEST_FILE,
  SIGNATURE_FILE,
  calculatePenalty,
  computeTransparencyReport,
  packTar,
  parsePeriod,
  renderCsv,
  renderJson,
  MAX_STATEMENTS_PER_BATCH,
  statementBatches,
  transitionBreach,
  validateBreachInput,
  type Breach,
  type PenaltyRequest,
  type TransparencyReport,
} from '@safeguard/reporting';
import { renderHtmlWithCharts, renderPdf } from '@safeguard/reporting-render';
import { BUNDLE_SCOPES, DISCLOSURE_KINDS, RegulatorStore, StoreTransparencySource, withReportingSnapshot, type DisclosureKind } from '@safeguard/store';
import type { Principal } from '../auth.js';
import { principalOf } from '../app.js';
import { actorOf, audit } from '../services/audit-service.js';
import { IsoDate, errorResponses } from '../schemas.js';
import type { ZodApp } from './types.js';

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'ids use letters, digits, _ and -');
const Period = { from: IsoDate.describe('First day, YYYY-MM-DD'), to: IsoDate.describe('Last day (inclusive), YYYY-MM-DD') };
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');

const Money = z.number().finite().nonnegative().max(1e15);
const PenaltyBody = z.discriminatedUnion('regime', [
  z.strictObject({
    regime: z.literal('UK-OSA'),
    qualifyingWorldwideRevenue: Money.optional(),
    accountingPeriodMonths: z.number().min(1).max(60).optional(),
    estimatedRevenueFirstPeriod: Money.optional(),
    notProvider: z.boolean().optional(),
  }),
  z.strictObject({
    regime: z.literal('EU-DSA'),
    annualWorldwideTurnover: Money,
    infringement: z.enum(['obligation', 'information', 'periodic']),
    days: z.number().int().min(1).max(3660).optional(),
    enforcer: z.enum(['member-state', 'commission']).optional(),
  }),
  z.strictObject({
    regime: z.literal('US-2258A'),
    monthlyActiveUsers: z.number().int().nonnegative().max(1e11),
    priorFailures: z.number().int().min(0).max(1000).optional(),
  }),
]);

const PenaltyView = z.object({
  regime: z.string(),
  currency: z.string(),
  maximum: z.number(),
  basis: z.string(),
  citations: z.array(z.object({ provision: z.string(), text: z.string(), confidence: z.string() })),
  inputs: z.record(z.string(), z.unknown()),
});

const BreachView = z.object({
  id: z.string(),
  ruleId: z.string(),
  status: z.enum(BREACH_STATUSES),
  period: z.object({ from: z.string(), to: z.string() }),
  summary: z.string(),
  evidence: z.array(z.object({ kind: z.string(), reference: z.string(), sha256: z.string().optional(), description: z.string() })),
  penalty: z.record(z.string(), z.unknown()).nullable(),
  penaltyResult: PenaltyView.nullable(),
  history: z.array(z.object({ at: z.string(), status: z.string(), by: z.string(), note: z.string().nullable() })),
  recordedAt: z.string(),
  recordedBy: z.string(),
  updatedAt: z.string(),
});

const DisclosureView = z.object({
  id: z.string(),
  kind: z.enum(DISCLOSURE_KINDS),
  period: z.object({ from: z.string(), to: z.string() }).nullable(),
  reference: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
});

const BundleView = z.object({
  bundleId: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  scope: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  auditChain: z.object({ seq: z.number(), hash: z.string() }),
  signerFingerprint: z.string(),
  files: z.array(z.object({ name: z.string(), sha256: z.string(), bytes: z.number(), records: z.number(), description: z.string() })),
});

const Evidence = z.strictObject({
  request: z.strictObject({ method: z.string().max(10), path: z.string().max(2000), body: z.unknown().optional() }),
  response: z.union([z.strictObject({ status: z.number().int(), body: z.unknown() }), z.strictObject({ error: z.string().max(2000) })]),
  note: z.string().max(2000).optional(),
});
const ConformanceBody = z.strictObject({
  target: z.string().min(1).max(2000),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
  results: z
    .array(
      z.strictObject({
        ruleId: z.string().min(1).max(16),
        title: z.string().max(500),
        status: z.enum(['pass', 'fail', 'not-applicable']),
        reason: z.string().max(2000),
        evidence: z.array(Evidence).max(50),
      }),
    )
    .min(1)
    .max(200),
});
const ConformanceView = ConformanceBody.extend({
  id: z.string(),
  summary: z.object({ pass: z.number(), fail: z.number(), notApplicable: z.number() }),
  storedAt: z.string(),
  storedBy: z.string(),
});

/** A non-JSON body (CSV, HTML, PDF) or pre-serialised JSON leaves as it is. */
const passThrough = () => (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data));

function presentBreach(b: Breach): z.infer<typeof BreachView> {
  return JSON.parse(JSON.stringify({ ...b, penalty: b.penalty ?? null })) as z.infer<typeof BreachView>;
}

export function regulatorRoutes(app: ZodApp): void {
  const { store, clock } = app.services;
  const regulator = (): RegulatorStore => new RegulatorStore(store);

  /** A regulator may see only what the tenant disclosed; everyone else in the tenant may. */
  async function requireDisclosed(principal: Principal, kind: DisclosureKind, what: { period?: { from: string; to: string }; reference?: string } = {}): Promise<void> {
    if (principal.role !== 'regulator') return;
    if (await regulator().isDisclosed(principal.tenantId, kind, what)) return;
    const detail = what.period ? ` for ${what.period.from}..${what.period.to}` : what.reference ? ` (${what.reference})` : '';
    throw new SafeguardError('forbidden', `The tenant has not disclosed this ${kind}${detail} to its regulator`, { kind, ...what });
  }

  /** Audits what a regulator reads (the platform can see what its regulator looked at). */
  async function auditRegulatorRead(principal: Principal, target: string, details: Record<string, unknown>): Promise<void> {
    if (principal.role !== 'regulator') return;
    await store.transaction((tx) => audit(tx, principal, { action: 'regulator.read', target, details }));
  }

  async function computeReport(tenantId: string, from: string, to: string): Promise<TransparencyReport> {
    const period = parsePeriod(from, to, clock);
    const tenant = await store.getTenant(tenantId);
    return withReportingSnapshot(store, (snapshot) =>
      computeTransparencyReport(new StoreTransparencySource(snapshot, tenantId, { description: tenant?.name ?? tenantId, now: () => clock.now() }), period, { clock }),
    );
  }

  // ---- transparency ---------------------------------------------------------------------------

  app.get(
    '/v1/transparency',
    {
      config: { permission: 'transparency:read' },
      serializerCompiler: passThrough,
      schema: {
        tags: ['transparency'],
        summary: 'The transparency report for a period, computed from stored events',
        description:
          'EU harmonised template sections (Implementing Regulation 2024/2835), UK Ofcom items and child-safety metrics. `format`: json (default), csv (the template parts in long form), html or pdf (with charts). Totals are reconciled: a report whose totals do not reconcile is refused with 409 and the failed checks. A regulator key gets reports only for periods the tenant disclosed.',
        querystring: z.strictObject({ ...Period, format: z.enum(['json', 'csv', 'html', 'pdf']).default('json') }),
        response: { 200: z.unknown().describe('The report in the requested format'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { from, to, format } = request.query;
      parsePeriod(from, to, clock);
      await requireDisclosed(principal, 'transparency', { period: { from, to } });
      const report = await computeReport(principal.tenantId, from, to);
      await auditRegulatorRead(principal, 'transparency', { from, to, format });
      const name = `transparency-${from}-${to}`;
      switch (format) {
        case 'csv':
          return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(renderCsv(report));
        case 'html':
          return reply.type('text/html; charset=utf-8').send(renderHtmlWithCharts(report));
        case 'pdf':
          return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`).send(await renderPdf(report));
        default:
          return reply.type('application/json; charset=utf-8').send(renderJson(report));
      }
    },
  );

  app.get(
    '/v1/transparency/statements',
    {
      config: { permission: 'transparency:read' },
      schema: {
        tags: ['transparency'],
        summary: 'Statements of reasons decided in a period, as EU Transparency Database batches (≤ 100 each)',
        description: 'One batch per call, in order: `page` 1, 2, … until `nextPage` is null. Each batch is a valid body for POST /api/v1/statements.',
        querystring: z.strictObject({ ...Period, page: z.coerce.number().int().min(1).max(1_000_000).default(1) }),
        response: {
          200: z.object({ page: z.number(), nextPage: z.number().nullable(), body: z.object({ statements: z.array(z.record(z.string(), z.unknown())) }) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { from, to, page } = request.query;
      const period = parsePeriod(from, to, clock);
      await requireDisclosed(principal, 'transparency', { period: { from, to } });
      const source = new StoreTransparencySource(store, principal.tenantId);
      let found: { statements: Record<string, unknown>[] } = { statements: [] };
      let more = false;
      // Start at the requested batch instead of re-reading every earlier one: puids are decision
      // ids, unique by construction, so batches can be checked one at a time.
      const skip = (page - 1) * MAX_STATEMENTS_PER_BATCH;
      for await (const batch of statementBatches(source.statementsOfReasons(period, { skip }), { firstBatch: page })) {
        if (batch.batch === page) found = { statements: batch.body.statements.map((s) => ({ ...s })) };
        else if (batch.batch > page) {
          more = true;
          break;
        }
      }
      await auditRegulatorRead(principal, 'statements', { from, to, page });
      return { page, nextPage: more ? page + 1 : null, body: found };
    },
  );

  app.put(
    '/v1/transparency/recipients',
    {
      config: { permission: 'transparency:write' },
      schema: {
        tags: ['transparency'],
        summary: 'Report average monthly active recipients (DSA Art 24(2)) per month and Member State',
        description: 'The one transparency figure Safeguard cannot observe: the platform reports it, per month, for the EU (`EU`) and per Member State. A later figure for the same month and scope replaces the earlier one.',
        body: z.strictObject({
          figures: z
            .array(z.strictObject({ month: Month, scope: z.string().regex(/^(EU|[A-Z]{2})$/, 'EU or a two-letter Member State code'), recipients: z.number().int().nonnegative().max(1e11) }))
            .min(1)
            .max(1000),
        }),
        response: { 200: z.object({ stored: z.number() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { figures } = request.body;
      await store.transaction(async (tx) => {
        await new RegulatorStore(tx).putRecipients(principal.tenantId, figures, actorOf(principal));
        await audit(tx, principal, { action: 'transparency.recipients', target: principal.tenantId, details: { months: [...new Set(figures.map((f) => f.month))].sort(), figures: figures.length } });
      });
      return { stored: figures.length };
    },
  );

  // ---- disclosures ----------------------------------------------------------------------------

  app.get(
    '/v1/regulator/disclosures',
    {
      config: { permission: 'disclosures:read' },
      schema: { tags: ['regulator'], summary: 'What the tenant has disclosed to its regulator', response: { 200: z.object({ disclosures: z.array(DisclosureView) }), ...errorResponses } },
    },
    async (request) => {
      const principal = principalOf(request);
      const disclosures = await regulator().listDisclosures(principal.tenantId, { activeOnly: principal.role === 'regulator' });
      return { disclosures: disclosures.map((d) => ({ ...d })) };
    },
  );

  app.post(
    '/v1/regulator/disclosures',
    {
      config: { permission: 'disclosures:manage' },
      schema: {
        tags: ['regulator'],
        summary: 'Disclose to the regulator: transparency for a period, a bundle or conformance run (by id, or all), or the breach register',
        body: z.strictObject({
          kind: z.enum(DISCLOSURE_KINDS),
          from: IsoDate.optional(),
          to: IsoDate.optional(),
          reference: Id.optional(),
          note: z.string().max(2000).optional(),
        }),
        response: { 201: DisclosureView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      let period: { from: string; to: string } | null = null;
      if (body.kind === 'transparency') {
        if (!body.from || !body.to) throw new SafeguardError('validation_failed', 'A transparency disclosure needs from and to', { fields: ['from', 'to'] });
        parsePeriod(body.from, body.to);
        period = { from: body.from, to: body.to };
      } else if (body.from || body.to) {
        throw new SafeguardError('validation_failed', `A ${body.kind} disclosure has no period`, { fields: ['from', 'to'] });
      }
      if (body.reference && body.kind !== 'bundle' && body.kind !== 'conformance') {
        throw new SafeguardError('validation_failed', 'Only bundle and conformance disclosures take a reference', { field: 'reference' });
      }
      const disclosure = await store.transaction(async (tx) => {
        const d = await new RegulatorStore(tx).createDisclosure(principal.tenantId, { kind: body.kind, period, reference: body.reference ?? null, note: body.note ?? null, createdBy: actorOf(principal) });
        await audit(tx, principal, { action: 'disclosure.create', target: d.id, details: { kind: d.kind, period, reference: d.reference } });
        return d;
      });
      return reply.status(201).send({ ...disclosure });
    },
  );

  app.delete(
    '/v1/regulator/disclosures/:disclosureId',
    {
      config: { permission: 'disclosures:manage' },
      schema: {
        tags: ['regulator'],
        summary: 'Withdraw a disclosure (what the regulator already read stays in the audit log)',
        params: z.strictObject({ disclosureId: Id }),
        response: { 200: z.object({ revoked: z.literal(true) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { disclosureId } = request.params;
      const revoked = await store.transaction(async (tx) => {
        const ok = await new RegulatorStore(tx).revokeDisclosure(principal.tenantId, disclosureId);
        if (ok) await audit(tx, principal, { action: 'disclosure.revoke', target: disclosureId });
        return ok;
      });
      if (!revoked) throw new SafeguardError('not_found', `No active disclosure "${disclosureId}"`);
      return { revoked: true as const };
    },
  );

  // ---- breach register -------------------------------------------------------------------------

  app.get(
    '/v1/regulator/breaches',
    {
      config: { permission: 'breaches:read' },
      schema: {
        tags: ['regulator'],
        summary: 'The breach register',
        querystring: z.strictObject({ status: z.enum(BREACH_STATUSES).optional() }),
        response: { 200: z.object({ breaches: z.array(BreachView) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await requireDisclosed(principal, 'breaches');
      const breaches = await regulator().listBreaches(principal.tenantId, request.query.status ? { status: request.query.status } : {});
      await auditRegulatorRead(principal, 'breaches', { count: breaches.length });
      return { breaches: breaches.map(presentBreach) };
    },
  );

  app.get(
    '/v1/regulator/breaches/:breachId',
    {
      config: { permission: 'breaches:read' },
      schema: { tags: ['regulator'], summary: 'One breach with its evidence, history and penalty', params: z.strictObject({ breachId: Id }), response: { 200: BreachView, ...errorResponses } },
    },
    async (request) => {
      const principal = principalOf(request);
      await requireDisclosed(principal, 'breaches');
      const breach = await regulator().getBreach(principal.tenantId, request.params.breachId);
      if (!breach) throw new SafeguardError('not_found', `No breach "${request.params.breachId}"`);
      await auditRegulatorRead(principal, breach.id, {});
      return presentBreach(breach);
    },
  );

  app.post(
    '/v1/regulator/breaches',
    {
      config: { permission: 'breaches:write' },
      schema: {
        tags: ['regulator'],
        summary: 'Record a breach: the rule, the period, the evidence and (optionally) the penalty inputs',
        body: z.strictObject({
          ruleId: z.string().min(1).max(16),
          ...Period,
          summary: z.string().min(10).max(5000),
          evidence: z
            .array(
              z.strictObject({
                kind: z.enum(EVIDENCE_KINDS),
                reference: z.string().min(1).max(2000),
                sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
                description: z.string().max(2000),
              }),
            )
            .min(1)
            .max(100),
          penalty: PenaltyBody.optional(),
        }),
        response: { 201: BreachView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { from, to, penalty, ...rest } = request.body;
      const { input, penaltyResult } = validateBreachInput({ ...rest, period: { from, to }, penalty: (penalty as PenaltyRequest | undefined) ?? null }, isKnownRuleId);
      const now = clock.now().toISOString();
      const breach = await store.transaction(async (tx) => {
        const b = await new RegulatorStore(tx).recordBreach(principal.tenantId, {
          ...input,
          status: 'open',
          penaltyResult,
          history: [{ at: now, status: 'open', by: actorOf(principal), note: null }],
          recordedAt: now,
          recordedBy: actorOf(principal),
          updatedAt: now,
        });
        await audit(tx, principal, { action: 'breach.record', target: b.id, details: { ruleId: b.ruleId, period: b.period, evidence: b.evidence.length, maximumPenalty: penaltyResult?.maximum ?? null } });
        return b;
      });
      return reply.status(201).send(presentBreach(breach));
    },
  );

  app.post(
    '/v1/regulator/breaches/:breachId/status',
    {
      config: { permission: 'breaches:write' },
      schema: {
        tags: ['regulator'],
        summary: 'Move a breach through the process (open → provisional → confirmed → remedied → closed)',
        params: z.strictObject({ breachId: Id }),
        body: z.strictObject({ status: z.enum(BREACH_STATUSES), note: z.string().max(2000).optional() }),
        response: { 200: BreachView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const updated = await store.transaction(async (tx) => {
        const reg = new RegulatorStore(tx);
        const breach = await reg.getBreach(principal.tenantId, request.params.breachId);
        if (!breach) throw new SafeguardError('not_found', `No breach "${request.params.breachId}"`);
        const next = transitionBreach(breach, request.body.status, actorOf(principal), clock.now().toISOString(), request.body.note ?? null);
        await reg.updateBreach(principal.tenantId, next);
        await audit(tx, principal, { action: 'breach.status', target: breach.id, details: { from: breach.status, to: next.status } });
        return next;
      });
      return presentBreach(updated);
    },
  );

  app.post(
    '/v1/regulator/penalties',
    {
      config: { permission: 'penalties:calculate' },
      schema: {
        tags: ['regulator'],
        summary: 'The statutory maximum penalty, with citations and arithmetic (a cap, not a fine)',
        description: 'UK-OSA: greater of £18m and 10% of qualifying worldwide revenue (Sch 13 para 4). EU-DSA: 6% of worldwide turnover, 1% for information failures, periodic penalties up to 5% of average daily turnover. US-2258A: fines for knowing and wilful failures to report.',
        body: PenaltyBody,
        response: { 200: PenaltyView, ...errorResponses },
      },
    },
    (request) => {
      const result = calculatePenalty(request.body as PenaltyRequest);
      return Promise.resolve(JSON.parse(JSON.stringify(result)) as z.infer<typeof PenaltyView>);
    },
  );

  // ---- bundles --------------------------------------------------------------------------------

  const presentManifest = (m: { bundleId: string; period: { from: string; to: string }; scope: readonly string[]; createdAt: string; createdBy: string; auditChain: { seq: number; hash: string }; signer: { fingerprint: string }; files: readonly { name: string; sha256: string; bytes: number; records: number; description: string }[] }): z.infer<typeof BundleView> => ({
    bundleId: m.bundleId,
    period: m.period,
    scope: [...m.scope],
    createdAt: m.createdAt,
    createdBy: m.createdBy,
    auditChain: m.auditChain,
    signerFingerprint: m.signer.fingerprint,
    files: m.files.map((f) => ({ ...f })),
  });

  app.post(
    '/v1/regulator/bundles',
    {
      config: { permission: 'bundles:create' },
      schema: {
        tags: ['regulator'],
        summary: 'Create a signed disclosure bundle for a period and scope (answering an information notice)',
        description: `JSON Lines files with a manifest holding the SHA-256 of every file and the audit-chain head, signed with the tenant's Ed25519 key. Scope: ${BUNDLE_SCOPES.join(', ')} (default all). \`disclose: true\` also discloses it to the regulator.`,
        body: z.strictObject({ ...Period, scope: z.array(z.enum(BUNDLE_SCOPES)).min(1).max(BUNDLE_SCOPES.length).optional(), disclose: z.boolean().optional() }),
        response: { 201: BundleView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { from, to, disclose } = request.body;
      const scope = [...new Set(request.body.scope ?? BUNDLE_SCOPES)];
      const period = parsePeriod(from, to, clock);
      const report = scope.includes('transparency') ? await computeReport(principal.tenantId, from, to) : undefined;
      const parts = new Map<string, string[]>();
      const decoder = new TextDecoder();
      const built = await regulator().buildBundle(
        principal.tenantId,
        { period, scope, createdBy: actorOf(principal), ...(report ? { report } : {}) },
        {
          file: (name) => {
            parts.set(name, []);
            return (chunk) => {
              parts.get(name)?.push(decoder.decode(chunk));
            };
          },
        },
      );
      const saved = await store.transaction(async (tx) => {
        const s = await new RegulatorStore(tx).saveBundle(principal.tenantId, { ...built, files: new Map([...parts].map(([n, p]) => [n, p.join('')])) });
        await audit(tx, principal, { action: 'bundle.create', target: s.id, details: { period: { from, to }, scope, files: built.manifest.files.length, signer: built.manifest.signer.fingerprint } });
        if (disclose) {
          const d = await new RegulatorStore(tx).createDisclosure(principal.tenantId, { kind: 'bundle', reference: s.id, createdBy: actorOf(principal) });
          await audit(tx, principal, { action: 'disclosure.create', target: d.id, details: { kind: 'bundle', reference: s.id } });
        }
        return s;
      });
      return reply.status(201).send(presentManifest(saved.manifest));
    },
  );

  app.get(
    '/v1/regulator/bundles',
    {
      config: { permission: 'bundles:read' },
      schema: { tags: ['regulator'], summary: 'Disclosure bundles (a regulator sees the disclosed ones)', response: { 200: z.object({ bundles: z.array(BundleView) }), ...errorResponses } },
    },
    async (request) => {
      const principal = principalOf(request);
      const reg = regulator();
      const bundles = [];
      for (const b of await reg.listBundles(principal.tenantId)) {
        if (principal.role !== 'regulator' || (await reg.isDisclosed(principal.tenantId, 'bundle', { reference: b.id }))) bundles.push(presentManifest(b.manifest));
      }
      return { bundles };
    },
  );

  app.get(
    '/v1/regulator/bundles/:bundleId',
    {
      config: { permission: 'bundles:read' },
      schema: {
        tags: ['regulator'],
        summary: "A bundle's manifest",
        params: z.strictObject({ bundleId: Id }),
        response: { 200: BundleView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { bundleId } = request.params;
      const bundle = await regulator().getBundle(principal.tenantId, bundleId);
      if (!bundle) throw new SafeguardError('not_found', `No bundle "${bundleId}"`);
      await requireDisclosed(principal, 'bundle', { reference: bundleId });
      return presentManifest(bundle.manifest);
    },
  );

  app.get(
    '/v1/regulator/bundles/:bundleId/archive',
    {
      config: { permission: 'bundles:read' },
      serializerCompiler: passThrough,
      schema: {
        tags: ['regulator'],
        summary: 'Download a bundle as a tar archive (verify it offline with `safeguard bundle verify`)',
        params: z.strictObject({ bundleId: Id }),
        response: { 200: z.unknown().describe('application/x-tar'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { bundleId } = request.params;
      const reg = regulator();
      const bundle = await reg.getBundle(principal.tenantId, bundleId);
      if (!bundle) throw new SafeguardError('not_found', `No bundle "${bundleId}"`);
      await requireDisclosed(principal, 'bundle', { reference: bundleId });
      const files = [
        { name: MANIFEST_FILE, bytes: Buffer.from(bundle.manifestText) },
        { name: SIGNATURE_FILE, bytes: Buffer.from(bundle.signature) },
      ];
      for (const f of bundle.manifest.files) {
        const text = await reg.readBundleFile(principal.tenantId, bundleId, f.name);
        if (text === undefined) throw new SafeguardError('internal', `Bundle file ${f.name} is missing from the store`);
        files.push({ name: f.name, bytes: Buffer.from(text) });
      }
      await auditRegulatorRead(principal, bundleId, { download: 'archive' });
      return reply
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="${bundleId}.tar"`)
        .send(Buffer.from(packTar(files, Date.parse(bundle.createdAt))));
    },
  );

  app.get(
    '/v1/regulator/signing-keys',
    {
      config: { permission: 'disclosures:read' },
      schema: {
        tags: ['regulator'],
        summary: "The tenant's bundle-signing public keys and fingerprints (check a bundle's signer against them)",
        response: { 200: z.object({ keys: z.array(z.object({ fingerprint: z.string(), publicKeyPem: z.string(), createdAt: z.string(), retiredAt: z.string().nullable() })) }), ...errorResponses },
      },
    },
    async (request) => ({ keys: await regulator().publicKeys(principalOf(request).tenantId) }),
  );

  // ---- conformance runs -----------------------------------------------------------------------

  app.post(
    '/v1/regulator/conformance',
    {
      config: { permission: 'conformance:write' },
      schema: {
        tags: ['regulator'],
        summary: 'Store a conformance run (the JSON `safeguard conformance` prints)',
        body: ConformanceBody,
        response: { 201: ConformanceView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const run = await store.transaction(async (tx) => {
        const r = await new RegulatorStore(tx).saveConformanceRun(principal.tenantId, request.body, actorOf(principal));
        await audit(tx, principal, { action: 'conformance.store', target: r.id, details: { target: r.target, ...r.summary } });
        return r;
      });
      return reply.status(201).send(JSON.parse(JSON.stringify(run)) as z.infer<typeof ConformanceView>);
    },
  );

  app.get(
    '/v1/regulator/conformance',
    {
      config: { permission: 'conformance:read' },
      schema: {
        tags: ['regulator'],
        summary: 'Stored conformance runs, newest first (a regulator sees the disclosed ones)',
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ runs: z.array(ConformanceView) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const reg = regulator();
      const runs = [];
      for (const r of await reg.listConformanceRuns(principal.tenantId, { limit: request.query.limit })) {
        if (principal.role !== 'regulator' || (await reg.isDisclosed(principal.tenantId, 'conformance', { reference: r.id }))) runs.push(r);
      }
      await auditRegulatorRead(principal, 'conformance', { count: runs.length });
      return { runs: JSON.parse(JSON.stringify(runs)) as z.infer<typeof ConformanceView>[] };
    },
  );

  app.get(
    '/v1/regulator/conformance/:runId',
    {
      config: { permission: 'conformance:read' },
      schema: { tags: ['regulator'], summary: 'One stored conformance run', params: z.strictObject({ runId: Id }), response: { 200: ConformanceView, ...errorResponses } },
    },
    async (request) => {
      const principal = principalOf(request);
      const run = await regulator().getConformanceRun(principal.tenantId, request.params.runId);
      if (!run) throw new SafeguardError('not_found', `No conformance run "${request.params.runId}"`);
      await requireDisclosed(principal, 'conformance', { reference: run.id });
      await auditRegulatorRead(principal, run.id, {});
      return JSON.parse(JSON.stringify(run)) as z.infer<typeof ConformanceView>;
    },
  );
}
