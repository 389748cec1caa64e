/**
 * RegulatorStore: persistence for the regulator's toolkit — the breach register (with history and
 * assessed penalty), disclosures (what a tenant has made visible to its `regulator` keys), signed
 * disclosure bundles and their files, the tenant's Ed25519 bundle-signing key, stored conformance
 * runs, and monthly active recipients reported by the platform.
 *
 * Contract: every query filters on tenant_id (another tenant's ids behave as unknown ids);
 * timestamps are ISO text; JSON is text. `buildBundle` streams each file from the database into
 * a sink while hashing it, so a bundle's size is bounded by the sink, not by memory here.
 */
import { SafeguardError } from '@safeguard/core';
import {
  DATA_DIR,
  JsonLinesWriter,
  generateSigningKey,
  signManifest,
  summarizeConformance,
  type Breach,
  type BreachStatus,
  type BundleFileEntry,
  type BundleManifest,
  type ByteSink,
  type ConformanceRun,
  type PenaltyRequest,
  type PenaltyResult,
  type ReportingPeriod,
  type TransparencyReport,
} from '@safeguard/reporting';
import { randomId } from './keys.js';
import type { SafeguardStore } from './store.js';

// ---- tables ---------------------------------------------------------------------------------

export interface RegulatorBreachesTable {
  tenant_id: string;
  id: string;
  rule_id: string;
  status: string;
  period_from: string;
  period_to: string;
  summary: string;
  evidence: string;
  penalty: string | null;
  penalty_result: string | null;
  history: string;
  recorded_at: string;
  recorded_by: string;
  updated_at: string;
}

export interface RegulatorDisclosuresTable {
  tenant_id: string;
  id: string;
  kind: string;
  period_from: string | null;
  period_to: string | null;
  reference: string | null;
  note: string | null;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

export interface RegulatorBundlesTable {
  tenant_id: string;
  id: string;
  period_from: string;
  period_to: string;
  scope: string;
  manifest: string;
  signature: string;
  bytes: number;
  created_at: string;
  created_by: string;
}

export interface RegulatorBundleFilesTable {
  tenant_id: string;
  bundle_id: string;
  name: string;
  part: number;
  content: string;
}

export interface RegulatorSigningKeysTable {
  tenant_id: string;
  fingerprint: string;
  public_key: string;
  private_key: string;
  created_at: string;
  retired_at: string | null;
}

export interface RegulatorConformanceRunsTable {
  tenant_id: string;
  id: string;
  target: string;
  started_at: string;
  finished_at: string;
  passed: number;
  failed: number;
  not_applicable: number;
  results: string;
  stored_at: string;
  stored_by: string;
}

export interface TransparencyRecipientsTable {
  tenant_id: string;
  month: string;
  scope: string;
  recipients: number;
  reported_at: string;
  reported_by: string;
}

declare module './schema.js' {
  interface Database {
    regulator_breaches: RegulatorBreachesTable;
    regulator_disclosures: RegulatorDisclosuresTable;
    regulator_bundles: RegulatorBundlesTable;
    regulator_bundle_files: RegulatorBundleFilesTable;
    regulator_signing_keys: RegulatorSigningKeysTable;
    regulator_conformance_runs: RegulatorConformanceRunsTable;
    transparency_recipients: TransparencyRecipientsTable;
  }
}

/** Every table this module owns (tests snapshot them for tenant isolation). */
export const REGULATOR_TABLES = [
  'regulator_breaches',
  'regulator_disclosures',
  'regulator_bundles',
  'regulator_bundle_files',
  'regulator_signing_keys',
  'regulator_conformance_runs',
  'transparency_recipients',
] as const;

// ---- records --------------------------------------------------------------------------------

export const DISCLOSURE_KINDS = ['transparency', 'breaches', 'conformance', 'bundle'] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];

export interface Disclosure {
  readonly id: string;
  readonly kind: DisclosureKind;
  /** For transparency: the period the regulator may compute reports for. */
  readonly period: { readonly from: string; readonly to: string } | null;
  /** For a bundle or a conformance run: its id. */
  readonly reference: string | null;
  readonly note: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
}

export interface StoredBundle {
  readonly id: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly scope: readonly string[];
  readonly manifest: BundleManifest;
  readonly manifestText: string;
  readonly signature: string;
  readonly bytes: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface StoredConformanceRun extends ConformanceRun {
  readonly id: string;
  readonly summary: { readonly pass: number; readonly fail: number; readonly notApplicable: number };
  readonly storedAt: string;
  readonly storedBy: string;
}

export interface RecipientsFigure {
  readonly month: string;
  readonly scope: string;
  readonly recipients: number;
  readonly reportedAt: string;
}

/** What a disclosure bundle may contain; `buildBundle` writes one file per scope entry (cases: three). */
export const BUNDLE_SCOPES = ['audit', 'decisions', 'transparency', 'statements', 'cases', 'referrals', 'breaches', 'conformance', 'policy'] as const;
export type BundleScope = (typeof BUNDLE_SCOPES)[number];

/** Where a bundle's files go while it is built: a directory, a tar archive, the database. */
export interface BundleSink {
  /** A sink for the bytes of one file (called once per file, in order). */
  file(name: string): ByteSink;
  /** Called once after the last byte of a file. */
  close?(name: string): void | Promise<void>;
}

const nowIso = (): string => new Date().toISOString();
const FILE_PART_CHARS = 512 * 1024;

function toBreach(row: RegulatorBreachesTable): Breach {
  return {
    id: row.id,
    ruleId: row.rule_id,
    status: row.status as BreachStatus,
    period: { from: row.period_from, to: row.period_to },
    summary: row.summary,
    evidence: JSON.parse(row.evidence) as Breach['evidence'],
    penalty: row.penalty ? (JSON.parse(row.penalty) as PenaltyRequest) : null,
    penaltyResult: row.penalty_result ? (JSON.parse(row.penalty_result) as PenaltyResult) : null,
    history: JSON.parse(row.history) as Breach['history'],
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
    updatedAt: row.updated_at,
  };
}

function toDisclosure(row: RegulatorDisclosuresTable): Disclosure {
  return {
    id: row.id,
    kind: row.kind as DisclosureKind,
    period: row.period_from && row.period_to ? { from: row.period_from, to: row.period_to } : null,
    reference: row.reference,
    note: row.note,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
  };
}

function toBundle(row: RegulatorBundlesTable): StoredBundle {
  return {
    id: row.id,
    period: { from: row.period_from, to: row.period_to },
    scope: JSON.parse(row.scope) as string[],
    manifest: JSON.parse(row.manifest) as BundleManifest,
    manifestText: row.manifest,
    signature: row.signature,
    bytes: Number(row.bytes),
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function toRun(row: RegulatorConformanceRunsTable): StoredConformanceRun {
  return {
    id: row.id,
    target: row.target,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    results: JSON.parse(row.results) as ConformanceRun['results'],
    summary: { pass: row.passed, fail: row.failed, notApplicable: row.not_applicable },
    storedAt: row.stored_at,
    storedBy: row.stored_by,
  };
}

export class RegulatorStore {
  constructor(readonly store: SafeguardStore) {}

  private get db(): SafeguardStore['db'] {
    return this.store.db;
  }

  // ---- breach register ----------------------------------------------------------------------

  async recordBreach(tenantId: string, breach: Omit<Breach, 'id'> & { id?: string }): Promise<Breach> {
    const id = breach.id ?? `br_${randomId(16)}`;
    await this.db
      .insertInto('regulator_breaches')
      .values({
        tenant_id: tenantId,
        id,
        rule_id: breach.ruleId,
        status: breach.status,
        period_from: breach.period.from,
        period_to: breach.period.to,
        summary: breach.summary,
        evidence: JSON.stringify(breach.evidence),
        penalty: breach.penalty ? JSON.stringify(breach.penalty) : null,
        penalty_result: breach.penaltyResult ? JSON.stringify(breach.penaltyResult) : null,
        history: JSON.stringify(breach.history),
        recorded_at: breach.recordedAt,
        recorded_by: breach.recordedBy,
        updated_at: breach.updatedAt,
      })
      .execute();
    return { ...breach, id };
  }

  async getBreach(tenantId: string, id: string): Promise<Breach | undefined> {
    const row = await this.db.selectFrom('regulator_breaches').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toBreach(row);
  }

  async listBreaches(tenantId: string, options: { status?: BreachStatus; limit?: number } = {}): Promise<Breach[]> {
    let query = this.db.selectFrom('regulator_breaches').selectAll().where('tenant_id', '=', tenantId);
    if (options.status) query = query.where('status', '=', options.status);
    const rows = await query.orderBy('recorded_at', 'desc').orderBy('id').limit(options.limit ?? 500).execute();
    return rows.map(toBreach);
  }

  /** Saves a breach's new status, history and penalty (after `transitionBreach`). */
  async updateBreach(tenantId: string, breach: Breach): Promise<void> {
    const result = await this.db
      .updateTable('regulator_breaches')
      .set({
        status: breach.status,
        history: JSON.stringify(breach.history),
        penalty: breach.penalty ? JSON.stringify(breach.penalty) : null,
        penalty_result: breach.penaltyResult ? JSON.stringify(breach.penaltyResult) : null,
        updated_at: breach.updatedAt,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', breach.id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new SafeguardError('not_found', `No breach "${breach.id}"`);
  }

  // ---- disclosures --------------------------------------------------------------------------

  async createDisclosure(
    tenantId: string,
    input: { kind: DisclosureKind; period?: { from: string; to: string } | null; reference?: string | null; note?: string | null; createdBy: string },
  ): Promise<Disclosure> {
    const row: RegulatorDisclosuresTable = {
      tenant_id: tenantId,
      id: `ds_${randomId(16)}`,
      kind: input.kind,
      period_from: input.period?.from ?? null,
      period_to: input.period?.to ?? null,
      reference: input.reference ?? null,
      note: input.note ?? null,
      created_at: nowIso(),
      created_by: input.createdBy,
      revoked_at: null,
    };
    await this.db.insertInto('regulator_disclosures').values(row).execute();
    return toDisclosure(row);
  }

  async listDisclosures(tenantId: string, options: { kind?: DisclosureKind; activeOnly?: boolean } = {}): Promise<Disclosure[]> {
    let query = this.db.selectFrom('regulator_disclosures').selectAll().where('tenant_id', '=', tenantId);
    if (options.kind) query = query.where('kind', '=', options.kind);
    if (options.activeOnly) query = query.where('revoked_at', 'is', null);
    const rows = await query.orderBy('created_at').orderBy('id').execute();
    return rows.map(toDisclosure);
  }

  async revokeDisclosure(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('regulator_disclosures')
      .set({ revoked_at: nowIso() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Whether the tenant has disclosed this to its regulator: a transparency period lying inside a
   * disclosed period; a bundle or conformance run by id (or all of them when disclosed without a
   * reference); the breach register as a whole.
   */
  async isDisclosed(tenantId: string, kind: DisclosureKind, what: { period?: { from: string; to: string }; reference?: string } = {}): Promise<boolean> {
    for (const d of await this.listDisclosures(tenantId, { kind, activeOnly: true })) {
      if (what.period) {
        if (d.period && d.period.from <= what.period.from && what.period.to <= d.period.to) return true;
      } else if (what.reference !== undefined) {
        if (d.reference === null || d.reference === what.reference) return true;
      } else return true;
    }
    return false;
  }

  // ---- signing keys ---------------------------------------------------------------------------

  /** The tenant's current bundle-signing key, created on first use. The private key never leaves the store. */
  async signingKey(tenantId: string): Promise<{ fingerprint: string; publicKeyPem: string; privateKeyPem: string }> {
    const existing = await this.db
      .selectFrom('regulator_signing_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (existing) return { fingerprint: existing.fingerprint, publicKeyPem: existing.public_key, privateKeyPem: existing.private_key };
    const key = generateSigningKey();
    await this.db
      .insertInto('regulator_signing_keys')
      .values({ tenant_id: tenantId, fingerprint: key.fingerprint, public_key: key.publicKeyPem, private_key: key.privateKeyPem, created_at: nowIso(), retired_at: null })
      .execute();
    return { fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem, privateKeyPem: key.privateKeyPem };
  }

  /** Public keys (current and retired) with their fingerprints, for recipients to check signatures against. */
  async publicKeys(tenantId: string): Promise<{ fingerprint: string; publicKeyPem: string; createdAt: string; retiredAt: string | null }[]> {
    const rows = await this.db
      .selectFrom('regulator_signing_keys')
      .select(['fingerprint', 'public_key', 'created_at', 'retired_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ fingerprint: r.fingerprint, publicKeyPem: r.public_key, createdAt: r.created_at, retiredAt: r.retired_at }));
  }

  // ---- bundles --------------------------------------------------------------------------------

  /**
   * Builds a signed disclosure bundle for a period and scope, streaming each JSON Lines file into
   * `sink`. `report` is the transparency report for the period (scope 'transparency'), computed by
   * the caller. Returns the manifest and detached signature (the caller writes them).
   */
  async buildBundle(
    tenantId: string,
    input: {
      readonly period: ReportingPeriod;
      readonly scope: readonly BundleScope[];
      readonly createdBy: string;
      readonly report?: TransparencyReport;
      /** PKCS#8 PEM; default: the tenant's stored signing key. */
      readonly signingKeyPem?: string;
      readonly bundleId?: string;
    },
    sink: BundleSink,
  ): Promise<{ manifest: BundleManifest; manifestText: string; signature: string }> {
    const tenant = await this.store.getTenant(tenantId);
    if (!tenant) throw new SafeguardError('not_found', 'No such tenant');
    const unknown = input.scope.filter((s) => !(BUNDLE_SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0 || input.scope.length === 0) {
      throw new SafeguardError('validation_failed', `scope must be one or more of ${BUNDLE_SCOPES.join(', ')}`, { unknown });
    }
    // The head first: everything in the bundle was written before it, so the chain can be checked against it.
    const head = await this.store.auditHead(tenantId);
    const { period } = input;
    const files: BundleFileEntry[] = [];
    const write = async (name: string, description: string, records: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> => {
      const path = `${DATA_DIR}/${name}.jsonl`;
      const writer = new JsonLinesWriter(path, description, sink.file(path));
      await writer.writeAll(records);
      files.push(writer.finish());
      await sink.close?.(path);
    };
    const scope = new Set(input.scope);
    const db = this.db;
    if (scope.has('audit')) {
      const store = this.store;
      await write(
        'audit',
        `Audit log entries in the period (hash chain up to seq ${head.seq})`,
        (async function* () {
          for await (const e of store.readAuditChain(tenantId)) {
            if (e.seq > head.seq) return;
            if (e.at >= period.start && e.at < period.end) {
              yield { seq: e.seq, prevHash: e.prevHash, hash: e.hash, at: e.at, actor: e.actor, action: e.action, target: e.target, details: e.details };
            }
          }
        })(),
      );
    }
    if (scope.has('decisions')) {
      const rows = await db
        .selectFrom('decision_stats')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('day', '>=', period.from)
        .where('day', '<=', period.to)
        .orderBy('day')
        .orderBy('action')
        .orderBy('outcome')
        .orderBy('rule_id')
        .execute();
      await write('decision-stats', 'Interaction decisions counted per day, action, outcome and rule', rows.map((r) => ({ day: r.day, action: r.action, outcome: r.outcome, ruleId: r.rule_id, count: Number(r.count) })));
    }
    if (scope.has('transparency')) {
      if (!input.report) throw new SafeguardError('validation_failed', "scope 'transparency' needs the computed report");
      await write('transparency-report', 'The transparency report computed for the period', [input.report]);
    }
    if (scope.has('statements')) {
      await write('statements-of-reasons', 'Statements of reasons (DSA Art 17) for restrictions decided in the period', this.pages(
        (after) =>
          db
            .selectFrom('case_decisions')
            .select(['id', 'sor', 'decided_ms'])
            .where('tenant_id', '=', tenantId)
            .where('sor_required', '=', 1)
            .where('decided_at', '>=', period.start)
            .where('decided_at', '<', period.end)
            .where((eb) => (after ? eb.or([eb('decided_ms', '>', after.ms), eb.and([eb('decided_ms', '=', after.ms), eb('id', '>', after.id)])]) : eb.lit(true)))
            .orderBy('decided_ms')
            .orderBy('id')
            .limit(1000)
            .execute(),
        (r) => ({ ms: Number(r.decided_ms), id: r.id }),
        (r) => JSON.parse(r.sor) as unknown,
      ));
    }
    if (scope.has('cases')) {
      await write('cases', 'Cases opened in the period (no message text, no reporter identity)', this.pages(
        (after) =>
          db
            .selectFrom('cases')
            .select(['id', 'status', 'severity', 'primary_reason', 'reasons', 'child_safety_types', 'sources', 'involves_child', 'report_count', 'alert_count', 'opened_at', 'opened_ms', 'decided_at', 'latest_action'])
            .where('tenant_id', '=', tenantId)
            .where('opened_at', '>=', period.start)
            .where('opened_at', '<', period.end)
            .where((eb) => (after ? eb.or([eb('opened_ms', '>', after.ms), eb.and([eb('opened_ms', '=', after.ms), eb('id', '>', after.id)])]) : eb.lit(true)))
            .orderBy('opened_ms')
            .orderBy('id')
            .limit(1000)
            .execute(),
        (r) => ({ ms: Number(r.opened_ms), id: r.id }),
        (r) => ({
          id: r.id,
          status: r.status,
          severity: r.severity,
          primaryReason: r.primary_reason,
          reasons: JSON.parse(r.reasons) as unknown,
          childSafetyTypes: JSON.parse(r.child_safety_types) as unknown,
          sources: JSON.parse(r.sources) as unknown,
          involvesChild: Boolean(r.involves_child),
          reports: r.report_count,
          alerts: r.alert_count,
          openedAt: r.opened_at,
          decidedAt: r.decided_at,
          latestAction: r.latest_action,
        }),
      ));
      await write('case-decisions', 'Moderation decisions taken in the period', this.pages(
        (after) =>
          db
            .selectFrom('case_decisions')
            .select(['id', 'case_id', 'action', 'reason_code', 'basis', 'category', 'source_type', 'automated_detection', 'decided_by', 'decided_at', 'decided_ms', 'end_date', 'status', 'sor_required', 'origin_appeal_id'])
            .where('tenant_id', '=', tenantId)
            .where('decided_at', '>=', period.start)
            .where('decided_at', '<', period.end)
            .where((eb) => (after ? eb.or([eb('decided_ms', '>', after.ms), eb.and([eb('decided_ms', '=', after.ms), eb('id', '>', after.id)])]) : eb.lit(true)))
            .orderBy('decided_ms')
            .orderBy('id')
            .limit(1000)
            .execute(),
        (r) => ({ ms: Number(r.decided_ms), id: r.id }),
        (r) => ({
          id: r.id,
          caseId: r.case_id,
          action: r.action,
          reasonCode: r.reason_code,
          basis: r.basis,
          category: r.category,
          sourceType: r.source_type,
          automatedDetection: Boolean(r.automated_detection),
          decidedBy: r.decided_by,
          decidedAt: r.decided_at,
          endDate: r.end_date,
          status: r.status,
          statementRequired: Boolean(r.sor_required),
          originAppealId: r.origin_appeal_id,
        }),
      ));
      await write('appeals', 'Complaints and appeals lodged in the period (no free text)', this.pages(
        (after) =>
          db
            .selectFrom('case_appeals')
            .select(['id', 'decision_id', 'case_id', 'original_action', 'appellant_role', 'appellant_is_child', 'lodged_at', 'lodged_ms', 'status', 'outcome', 'decided_by', 'decided_at', 'handling_ms', 'replacement_decision_id'])
            .where('tenant_id', '=', tenantId)
            .where('lodged_at', '>=', period.start)
            .where('lodged_at', '<', period.end)
            .where((eb) => (after ? eb.or([eb('lodged_ms', '>', after.ms), eb.and([eb('lodged_ms', '=', after.ms), eb('id', '>', after.id)])]) : eb.lit(true)))
            .orderBy('lodged_ms')
            .orderBy('id')
            .limit(1000)
            .execute(),
        (r) => ({ ms: Number(r.lodged_ms), id: r.id }),
        (r) => ({
          id: r.id,
          decisionId: r.decision_id,
          caseId: r.case_id,
          originalAction: r.original_action,
          appellantRole: r.appellant_role,
          appellantIsChild: Boolean(r.appellant_is_child),
          lodgedAt: r.lodged_at,
          status: r.status,
          outcome: r.outcome,
          decidedBy: r.decided_by,
          decidedAt: r.decided_at,
          handlingMs: r.handling_ms === null ? null : Number(r.handling_ms),
          replacementDecisionId: r.replacement_decision_id,
        }),
      ));
    }
    if (scope.has('referrals')) {
      const rows = await db
        .selectFrom('case_referrals')
        .select(['id', 'case_id', 'decision_id', 'target', 'status', 'incident_type', 'detected_ms', 'created_at', 'exported_at', 'submitted_at', 'external_report_id', 'retain_until_ms'])
        .where('tenant_id', '=', tenantId)
        .where('created_at', '>=', period.start)
        .where('created_at', '<', period.end)
        .orderBy('created_ms')
        .orderBy('id')
        .execute();
      await write(
        'referrals',
        'Referrals to NCMEC and the NCA made in the period (report contents withheld)',
        rows.map((r) => ({
          id: r.id,
          caseId: r.case_id,
          decisionId: r.decision_id,
          target: r.target,
          status: r.status,
          incidentType: r.incident_type,
          detectedAt: new Date(Number(r.detected_ms)).toISOString(),
          createdAt: r.created_at,
          exportedAt: r.exported_at,
          submittedAt: r.submitted_at,
          externalReportId: r.external_report_id,
          retainUntil: new Date(Number(r.retain_until_ms)).toISOString(),
        })),
      );
    }
    if (scope.has('breaches')) {
      await write('breaches', 'The breach register', (await this.listBreaches(tenantId, { limit: 100_000 })).filter((b) => b.period.from <= period.to && b.period.to >= period.from));
    }
    if (scope.has('conformance')) {
      await write('conformance', 'Conformance runs started in the period', (await this.listConformanceRuns(tenantId, { limit: 10_000 })).filter((r) => r.startedAt >= period.start && r.startedAt < period.end));
    }
    if (scope.has('policy')) {
      await write('policy', 'The tenant policy in force when the bundle was made (rule exemptions with their reasons)', [tenant.policy]);
    }
    const key = input.signingKeyPem ?? (await this.signingKey(tenantId)).privateKeyPem;
    return signManifest(
      {
        bundleId: input.bundleId ?? `bd_${randomId(16)}`,
        tenant: { id: tenant.id, name: tenant.name },
        period: { from: period.from, to: period.to },
        scope: [...input.scope],
        createdAt: nowIso(),
        createdBy: input.createdBy,
        auditChain: head,
        files,
      },
      key,
    );
  }

  /** Keyset pagination over (ms, id), one page in memory at a time. */
  private async *pages<R>(
    fetch: (after: { ms: number; id: string } | null) => Promise<R[]>,
    key: (row: R) => { ms: number; id: string },
    map: (row: R) => unknown,
  ): AsyncGenerator<unknown> {
    let after: { ms: number; id: string } | null = null;
    for (;;) {
      const rows = await fetch(after);
      for (const row of rows) yield map(row);
      if (rows.length === 0) return;
      after = key(rows[rows.length - 1]!);
      if (rows.length < 1000) return;
    }
  }

  /** Stores a built bundle (manifest, signature and files) so it can be downloaded again. */
  async saveBundle(
    tenantId: string,
    bundle: { manifest: BundleManifest; manifestText: string; signature: string; files: ReadonlyMap<string, string> },
  ): Promise<StoredBundle> {
    const m = bundle.manifest;
    const bytes = m.files.reduce((sum, f) => sum + f.bytes, 0);
    await this.store.transaction(async (tx) => {
      await tx.db
        .insertInto('regulator_bundles')
        .values({
          tenant_id: tenantId,
          id: m.bundleId,
          period_from: m.period.from,
          period_to: m.period.to,
          scope: JSON.stringify(m.scope),
          manifest: bundle.manifestText,
          signature: bundle.signature,
          bytes,
          created_at: m.createdAt,
          created_by: m.createdBy,
        })
        .execute();
      for (const [name, content] of bundle.files) {
        for (let part = 0, i = 0; i < content.length || part === 0; part += 1, i += FILE_PART_CHARS) {
          await tx.db
            .insertInto('regulator_bundle_files')
            .values({ tenant_id: tenantId, bundle_id: m.bundleId, name, part, content: content.slice(i, i + FILE_PART_CHARS) })
            .execute();
        }
      }
    });
    const saved = await this.getBundle(tenantId, m.bundleId);
    if (!saved) throw new SafeguardError('internal', 'bundle vanished after saving');
    return saved;
  }

  async getBundle(tenantId: string, id: string): Promise<StoredBundle | undefined> {
    const row = await this.db.selectFrom('regulator_bundles').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toBundle(row);
  }

  async listBundles(tenantId: string): Promise<StoredBundle[]> {
    const rows = await this.db.selectFrom('regulator_bundles').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toBundle);
  }

  /** A stored bundle file's text, or undefined when the bundle has no such file. */
  async readBundleFile(tenantId: string, bundleId: string, name: string): Promise<string | undefined> {
    const rows = await this.db
      .selectFrom('regulator_bundle_files')
      .select(['content'])
      .where('tenant_id', '=', tenantId)
      .where('bundle_id', '=', bundleId)
      .where('name', '=', name)
      .orderBy('part')
      .execute();
    return rows.length === 0 ? undefined : rows.map((r) => r.content).join('');
  }

  // ---- conformance runs -----------------------------------------------------------------------

  async saveConformanceRun(tenantId: string, run: ConformanceRun, storedBy: string): Promise<StoredConformanceRun> {
    const s = summarizeConformance(run);
    const row: RegulatorConformanceRunsTable = {
      tenant_id: tenantId,
      id: `cr_${randomId(16)}`,
      target: run.target,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      passed: s.pass,
      failed: s.fail,
      not_applicable: s.notApplicable,
      results: JSON.stringify(run.results),
      stored_at: nowIso(),
      stored_by: storedBy,
    };
    await this.db.insertInto('regulator_conformance_runs').values(row).execute();
    return toRun(row);
  }

  async getConformanceRun(tenantId: string, id: string): Promise<StoredConformanceRun | undefined> {
    const row = await this.db.selectFrom('regulator_conformance_runs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  async listConformanceRuns(tenantId: string, options: { limit?: number } = {}): Promise<StoredConformanceRun[]> {
    const rows = await this.db
      .selectFrom('regulator_conformance_runs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(options.limit ?? 100)
      .execute();
    return rows.map(toRun);
  }

  // ---- monthly active recipients --------------------------------------------------------------

  /** Records (or corrects) the platform's monthly active recipients for a month and scope ('EU' or a Member State). */
  async putRecipients(tenantId: string, figures: readonly { month: string; scope: string; recipients: number }[], reportedBy: string): Promise<void> {
    const at = nowIso();
    for (const f of figures) {
      const values = { recipients: f.recipients, reported_at: at, reported_by: reportedBy };
      await this.db
        .insertInto('transparency_recipients')
        .values({ tenant_id: tenantId, month: f.month, scope: f.scope, ...values })
        .onConflict((oc) => oc.columns(['tenant_id', 'month', 'scope']).doUpdateSet(values))
        .execute();
    }
  }

  async listRecipients(tenantId: string, fromMonth: string, toMonth: string): Promise<RecipientsFigure[]> {
    const rows = await this.db
      .selectFrom('transparency_recipients')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('month', '>=', fromMonth)
      .where('month', '<=', toMonth)
      .orderBy('month')
      .orderBy('scope')
      .execute();
    return rows.map((r) => ({ month: r.month, scope: r.scope, recipients: Number(r.recipients), reportedAt: r.reported_at }));
  }
}

// The store-backed transparency source is part of this module's public surface.
export * from './reporting-source.js';
