/**
 * `safeguard conformance --target URL --key KEY [--format json|html]`: a regulator's black-box test
 * of a live deployment. It creates its own fixture accounts (a child, a teen, an account with no age
 * evidence, strangers, an adult connected to the teen), asks the API what they may do to each other,
 * files a report and decides it, and checks every catalogue rule (../shared/standards/rules.seed.json)
 * an API client can check. Each rule is pass, fail or not-applicable (with the reason), with the
 * requests and responses as evidence. Exit 0 when nothing failed, 1 when a rule failed, 2 for bad
 * usage (including a refused key), 3 when the target cannot be reached.
 *
 * It never queues a law-enforcement referral unless --include-csea is given (use that against test
 * deployments only), and it erases its fixture accounts at the end (their cases stay, marked as
 * conformance fixtures by their ids).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { SafeguardError } from '@safeguard/core';
import { RULE_CATALOGUE } from '@safeguard/policy';
import { renderConformanceHtml, summarizeConformance, validateStatement, type ConformanceResult, type ConformanceRun, type ProbeExchange } from '@safeguard/reporting';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const MAX_EVIDENCE_CHARS = 4000;

/** Keeps evidence readable: long bodies are cut, with a note. */
function clip(body: unknown): unknown {
  const text = JSON.stringify(body);
  if (text === undefined || text.length <= MAX_EVIDENCE_CHARS) return body;
  return { truncated: true, first: text.slice(0, MAX_EVIDENCE_CHARS) };
}

export class ProbeClient {
  readonly exchanges: ProbeExchange[] = [];

  constructor(
    readonly target: string,
    private readonly key: string,
    private readonly timeoutMs: number,
  ) {}

  /** One request; transport failures become SafeguardError('unavailable'). */
  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(new URL(path, this.target), {
        method,
        headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new SafeguardError('unavailable', `cannot reach ${this.target} (${why})`, { target: this.target });
    } finally {
      clearTimeout(timer);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body: parsed };
  }

  /** A call recorded as evidence for the rule being probed. */
  async probe(evidence: ProbeExchange[], method: string, path: string, body?: unknown, note?: string): Promise<Reply> {
    const reply = await this.call(method, path, body);
    evidence.push({ request: { method, path, ...(body === undefined ? {} : { body }) }, response: { status: reply.status, body: clip(reply.body) }, ...(note ? { note } : {}) });
    return reply;
  }
}

type Outcome = Omit<ConformanceResult, 'ruleId' | 'title'>;
const pass = (reason: string, evidence: ProbeExchange[]): Outcome => ({ status: 'pass', reason, evidence });
const fail = (reason: string, evidence: ProbeExchange[]): Outcome => ({ status: 'fail', reason, evidence });
const na = (reason: string, evidence: ProbeExchange[] = []): Outcome => ({ status: 'not-applicable', reason, evidence });

const outcomeOf = (r: Reply): string | null => {
  const outcome = r.status === 200 && typeof r.body === 'object' && r.body !== null ? (r.body as { outcome?: unknown }).outcome : undefined;
  return typeof outcome === 'string' ? outcome : null;
};
const ruleIdsOf = (r: Reply): string[] => ((r.body as { ruleIds?: unknown } | null)?.ruleIds as string[] | undefined) ?? [];

/** Rules only a document review, a UI test or a look inside the platform can check. */
const NOT_API_CHECKABLE: Readonly<Record<string, string>> = {
  'AGE-03': 'age-assessment appeals are handled by the platform; the API has no age-appeal route to probe',
  'AGE-04': 'data lineage inside the platform cannot be observed through an API',
  'DEF-14': 'nudges and pre-selected options are user-interface properties (UI lint)',
  'DEF-15': 'needs an upgrade of the deployment between two snapshots',
  'FEED-03': 'feed ranking belongs to the platform; the API does not serve feeds',
  'RPT-02': 'form steps and reading age are user-interface properties',
  'RPT-06': 'needs a blocked upload in the platform’s client',
  'RPT-09': 'needs an intimate-image report route and a 48-hour observation',
  'MOD-02': 'needs vendor-supplied benign test hashes and the platform’s upload path',
  'MOD-04': 'the Art 23 ground of a sanction is not visible through the API',
  'MOD-05': 'a crisis protocol is a document and an exercise log',
  'MOD-06': 'training records and capacity models are documents',
  'CSEA-04': 'an escalation runbook is a document',
  'TOS-01': 'terms of service are published by the platform',
  'GOV-01': 'governance records are documents',
  'GOV-02': 'governance records are documents',
  'GOV-03': 'risk assessments are documents',
  'GOV-04': 'the record of measures is a document',
  'PAR-01': 'the monitoring indicator is shown in the platform’s client',
  'DATA-01': 'data inventories and rights tools are documents and client features',
  'TR-03': 'Ofcom transparency notices are specific to each service',
  'TR-04': 'eSafety reporting notices are specific to each service',
};

export interface ConformanceOptions {
  readonly target: string;
  readonly key: string;
  readonly jurisdiction: string;
  readonly timeoutMs: number;
  readonly includeCsea: boolean;
  readonly now?: () => Date;
}

/** Runs every probe against the target and returns the run (no output, no exit code). */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceRun> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const client = new ProbeClient(options.target, options.key, options.timeoutMs);
  const prefix = `conformance-${randomBytes(4).toString('hex')}`;
  const year = now().getUTCFullYear();
  const born = (age: number): string => `${year - age - 1}-06-15`;
  const ids = {
    kid: `${prefix}-kid`,
    teen: `${prefix}-teen`,
    unknown: `${prefix}-unknown`,
    stranger: `${prefix}-stranger`,
    bridge: `${prefix}-bridge`,
    heaa: `${prefix}-adult-verified`,
    declared: `${prefix}-adult-declared`,
  };
  const results = new Map<string, Outcome>();

  // The key must be accepted before anything else means anything.
  const me = await client.call('GET', '/v1/policy');
  if (me.status === 401) throw new SafeguardError('validation_failed', `${options.target} refused the API key (401): give a valid key with --key`);

  // ---- fixtures -------------------------------------------------------------------------------
  const setup: ProbeExchange[] = [];
  const put = (id: string, body: Record<string, unknown>) => client.probe(setup, 'PUT', `/v1/accounts/${encodeURIComponent(id)}`, body);
  const accountsApi = await put(ids.teen, { birthDate: born(14), jurisdiction: options.jurisdiction });
  const haveAccounts = accountsApi.status === 200 || accountsApi.status === 201;
  const created: string[] = [];
  if (haveAccounts) {
    created.push(ids.teen);
    for (const [id, body] of [
      [ids.kid, { birthDate: born(11), jurisdiction: options.jurisdiction }],
      [ids.unknown, { jurisdiction: options.jurisdiction }],
      [ids.stranger, { birthDate: born(35), jurisdiction: options.jurisdiction }],
      [ids.bridge, { birthDate: born(40), jurisdiction: options.jurisdiction }],
      [ids.heaa, { birthDate: born(30), jurisdiction: options.jurisdiction, ageAssurance: { method: 'id-document' } }],
      [ids.declared, { birthDate: born(30), jurisdiction: options.jurisdiction, ageAssurance: { method: 'self-declared' } }],
    ] as const) {
      const r = await put(id, body);
      if (r.status === 200 || r.status === 201) created.push(id);
    }
    // The teen asks the bridge adult to connect and the adult accepts: a real connection.
    await client.probe(setup, 'POST', '/v1/connections/request', { actor: ids.teen, target: ids.bridge });
    await client.probe(setup, 'POST', '/v1/connections/accept', { actor: ids.bridge, target: ids.teen });
  }

  const settingsOf = async (evidence: ProbeExchange[], id: string): Promise<{ key: string; value: string; default: string; source: string }[] | null> => {
    const r = await client.probe(evidence, 'GET', `/v1/accounts/${encodeURIComponent(id)}/settings`);
    return r.status === 200 ? ((r.body as { settings: { key: string; value: string; default: string; source: string }[] }).settings ?? null) : null;
  };

  const decide = async (evidence: ProbeExchange[], action: string, actor: string, target?: string, context?: Record<string, unknown>, note?: string): Promise<Reply> =>
    client.probe(evidence, 'POST', '/v1/decisions', { action, actor, ...(target ? { target } : {}), ...(context ? { context } : {}) }, note);

  /** A rule checked by decisions that must all come out as expected. */
  const decisionRule = async (
    ruleId: string,
    checks: readonly { action: string; actor: string; target?: string; context?: Record<string, unknown>; expect: readonly string[]; note: string }[],
  ): Promise<void> => {
    const evidence: ProbeExchange[] = [];
    if (!haveAccounts) {
      results.set(ruleId, na('the deployment has no accounts API (PUT /v1/accounts/{id}) to create fixtures with', setup));
      return;
    }
    const wrong: string[] = [];
    for (const c of checks) {
      const r = await decide(evidence, c.action, c.actor, c.target, c.context, c.note);
      if (r.status === 404 && evidence.length === 1 && (r.body as { error?: { code?: string } } | null)?.error?.code === 'not_found') {
        results.set(ruleId, na('the deployment has no decisions API (POST /v1/decisions)', evidence));
        return;
      }
      const outcome = outcomeOf(r);
      if (!outcome || !c.expect.includes(outcome)) wrong.push(`${c.note}: expected ${c.expect.join(' or ')}, got ${outcome ?? `HTTP ${r.status}`}${ruleIdsOf(r).length ? ` (${ruleIdsOf(r).join(', ')})` : ''}`);
    }
    results.set(ruleId, wrong.length === 0 ? pass(checks.map((c) => c.note).join('; '), evidence) : fail(wrong.join('; '), evidence));
  };

  // ---- age -------------------------------------------------------------------------------------
  if (!haveAccounts) {
    results.set('AGE-01', na('the deployment has no accounts API (PUT /v1/accounts/{id})', setup));
  } else {
    const evidence: ProbeExchange[] = [];
    const view = await client.probe(evidence, 'GET', `/v1/accounts/${encodeURIComponent(ids.unknown)}`, undefined, 'an account created with no age evidence');
    const account = view.body as { ageBand?: string; child?: boolean } | null;
    const settings = await settingsOf(evidence, ids.unknown);
    const defaultsKept = settings !== null && settings.every((x) => x.value === x.default);
    const suggested = await decide(evidence, 'suggestion.show', ids.stranger, ids.unknown, undefined, 'the account of unknown age is suggested to a stranger');
    const ok = account?.ageBand === 'unknown' && account.child === true && defaultsKept && outcomeOf(suggested) === 'deny';
    results.set(
      'AGE-01',
      ok
        ? pass('an account without age evidence has band "unknown", is treated as a child, and gets the child defaults', evidence)
        : fail(`expected band unknown treated as a child with child defaults; got band ${account?.ageBand ?? '?'}, child ${String(account?.child)}, defaults kept ${String(defaultsKept)}, suggestion ${outcomeOf(suggested) ?? '?'}`, evidence),
    );
  }
  await decisionRule('AGE-02', [
    { action: 'content.view', actor: ids.declared, context: { category: 'pornography' }, expect: ['deny'], note: 'a self-declared adult is refused primary priority content' },
    { action: 'content.view', actor: ids.teen, context: { category: 'pornography' }, expect: ['deny'], note: 'a child is refused primary priority content' },
    { action: 'content.view', actor: ids.heaa, context: { category: 'pornography' }, expect: ['allow', 'allow_with_warning'], note: 'an adult verified by ID document is let through' },
  ]);

  // ---- ICU F1 defaults -------------------------------------------------------------------------
  await decisionRule('DEF-01', [
    { action: 'suggestion.show', actor: ids.teen, target: ids.stranger, expect: ['deny'], note: 'a child is not shown a stranger as a suggestion' },
    { action: 'suggestion.show', actor: ids.kid, target: ids.bridge, expect: ['deny'], note: 'an under-13 is not shown suggestions' },
  ]);
  await decisionRule('DEF-02', [
    { action: 'suggestion.show', actor: ids.stranger, target: ids.teen, expect: ['deny'], note: 'a child is not suggested to a stranger' },
    { action: 'suggestion.show', actor: ids.bridge, target: ids.kid, expect: ['deny'], note: 'an under-13 is not suggested to an adult' },
  ]);
  if (haveAccounts) {
    const evidence: ProbeExchange[] = [];
    const list = await client.probe(evidence, 'GET', `/v1/accounts/${encodeURIComponent(ids.bridge)}/connections?viewer=${encodeURIComponent(ids.stranger)}`, undefined, "a stranger looks at the adult's connection list");
    const own = await client.probe(evidence, 'GET', `/v1/accounts/${encodeURIComponent(ids.bridge)}/connections`, undefined, 'the adult’s own view (the connection exists)');
    const shown = (r: Reply): string[] => ((r.body as { connections?: { accountId: string }[] } | null)?.connections ?? []).map((c) => c.accountId);
    if (list.status === 404 && own.status === 404) results.set('DEF-03', na('the deployment has no connection-list API', evidence));
    else if (!shown(own).includes(ids.teen)) results.set('DEF-03', na('the fixture connection between the teen and the adult could not be made, so there is nothing to hide', [...setup.slice(-2), ...evidence]));
    else if (list.status === 200 && !shown(list).includes(ids.teen)) results.set('DEF-03', pass("the child is absent from the adult's connection list as a stranger sees it", evidence));
    else if (list.status === 403) results.set('DEF-03', pass("a stranger cannot see the adult's list at all", evidence));
    else results.set('DEF-03', fail("the child appears in the adult's connection list as a stranger sees it", evidence));

    const e4: ProbeExchange[] = [];
    const childList = await client.probe(e4, 'GET', `/v1/accounts/${encodeURIComponent(ids.teen)}/connections?viewer=${encodeURIComponent(ids.stranger)}`, undefined, "a stranger asks for the child's connection list");
    const decision = await decide(e4, 'connections.view', ids.stranger, ids.teen, undefined, "a stranger viewing the child's connections");
    results.set(
      'DEF-04',
      childList.status === 403 && outcomeOf(decision) === 'deny'
        ? pass("the child's connection list is refused to a stranger", e4)
        : fail(`expected 403 and a deny; got HTTP ${childList.status} and ${outcomeOf(decision) ?? '?'}`, e4),
    );
  } else {
    results.set('DEF-03', na('the deployment has no accounts API to create fixtures with', setup));
    results.set('DEF-04', na('the deployment has no accounts API to create fixtures with', setup));
  }
  await decisionRule('DEF-05', [
    { action: 'message.send', actor: ids.stranger, target: ids.teen, expect: ['deny'], note: 'a non-connected adult cannot message a child' },
    { action: 'message.send', actor: ids.stranger, target: ids.kid, expect: ['deny'], note: 'a non-connected adult cannot message an under-13' },
    { action: 'message.send', actor: ids.bridge, target: ids.teen, expect: ['allow', 'allow_with_warning'], note: 'a connected adult can (the default is not a blanket ban)' },
  ]);
  await decisionRule('DEF-06', [
    { action: 'location.view', actor: ids.stranger, target: ids.teen, expect: ['deny'], note: "a stranger cannot see a child's location" },
    { action: 'location.view', actor: ids.bridge, target: ids.teen, expect: ['deny'], note: "a connected adult cannot see a child's location" },
  ]);
  if (haveAccounts) {
    const evidence: ProbeExchange[] = [];
    const settings = await settingsOf(evidence, ids.kid);
    const profile = await decide(evidence, 'profile.view', ids.stranger, ids.kid, undefined, "a stranger views an under-13's profile");
    const search = await decide(evidence, 'search.appear', ids.stranger, ids.kid, undefined, 'an under-13 appears in a stranger’s search');
    if (!settings) results.set('DEF-07', na('the deployment has no settings API (GET /v1/accounts/{id}/settings)', evidence));
    else {
      const loose = settings.filter((s) => s.value !== s.default || s.source !== 'default');
      const ok = loose.length === 0 && outcomeOf(profile) === 'deny' && outcomeOf(search) === 'deny';
      results.set(
        'DEF-07',
        ok
          ? pass(`a new child's ${settings.length} settings all hold their protective defaults; profile and search are private`, evidence)
          : fail(`settings off their defaults: ${loose.map((s) => `${s.key}=${s.value}`).join(', ') || 'none'}; profile ${outcomeOf(profile) ?? '?'}, search ${outcomeOf(search) ?? '?'}`, evidence),
      );
    }
    for (const [ruleId, keys, why] of [
      ['DEF-11', ['profiling.personalisedAds', 'profiling.recommendations'], 'profiling'],
      ['DEF-12', ['design.streaks', 'design.autoplay', 'design.readReceipts', 'design.publicLikeCounts', 'design.nightNotifications'], 'compulsive-design features'],
    ] as const) {
      const e: ProbeExchange[] = [];
      const s = await settingsOf(e, ids.teen);
      const relevant = (s ?? []).filter((x) => (keys as readonly string[]).includes(x.key));
      if (!s || relevant.length === 0) results.set(ruleId, na(`the deployment exposes no ${why} settings`, e));
      else {
        const on = relevant.filter((x) => x.value !== 'off');
        results.set(ruleId, on.length === 0 ? pass(`${why} are off by default for a new child (${relevant.map((x) => x.key).join(', ')})`, e) : fail(`on by default for a child: ${on.map((x) => `${x.key}=${x.value}`).join(', ')}`, e));
      }
    }
    // DEF-13: turning a protective default off first shows a prompt and changes nothing.
    const e13: ProbeExchange[] = [];
    const change = await client.probe(e13, 'PATCH', `/v1/accounts/${encodeURIComponent(ids.teen)}/settings`, { changedBy: ids.teen, changes: { 'design.autoplay': 'on' } }, 'the teen switches autoplay on without acknowledging a prompt');
    const result = (change.body as { results?: { outcome: string; applied: boolean }[] } | null)?.results?.[0];
    const contact = await decide(e13, 'message.send', ids.teen, ids.stranger, undefined, 'the child is about to message a non-connected adult');
    if (change.status === 404 || change.status === 405) results.set('DEF-13', na('the deployment has no settings-change API', e13));
    else {
      const ok = result?.outcome === 'allow_with_warning' && result.applied === false && outcomeOf(contact) === 'allow_with_warning';
      results.set(
        'DEF-13',
        ok
          ? pass('weakening a default answers allow_with_warning and changes nothing until acknowledged; contacting a stranger prompts too', e13)
          : fail(`expected prompts; got setting change ${result?.outcome ?? `HTTP ${change.status}`} (applied ${String(result?.applied)}), contact ${outcomeOf(contact) ?? '?'}`, e13),
      );
    }
  } else {
    for (const r of ['DEF-07', 'DEF-11', 'DEF-12', 'DEF-13']) results.set(r, na('the deployment has no accounts API to create fixtures with', setup));
  }
  await decisionRule('DEF-08', [
    { action: 'content.interact', actor: ids.stranger, target: ids.teen, context: { kind: 'comment' }, expect: ['deny'], note: "a stranger cannot comment on a child's content" },
    { action: 'content.interact', actor: ids.stranger, target: ids.teen, context: { kind: 'tag' }, expect: ['deny'], note: 'a stranger cannot tag a child' },
    { action: 'group.invite', actor: ids.stranger, target: ids.teen, expect: ['deny'], note: 'a stranger cannot invite a child to a group' },
  ]);
  await decisionRule('DEF-09', [
    { action: 'media.download', actor: ids.stranger, target: ids.teen, expect: ['deny'], note: "a stranger cannot download a child's media" },
    { action: 'media.download', actor: ids.bridge, target: ids.teen, expect: ['deny'], note: "a connected adult cannot download a child's media" },
  ]);
  await decisionRule('DEF-10', [
    { action: 'group.add', actor: ids.bridge, target: ids.teen, expect: ['deny', 'require_guardian'], note: 'a child is not added to a group without accepting an invitation' },
  ]);
  await decisionRule('DEF-16', [
    { action: 'livestream.comment', actor: ids.stranger, target: ids.teen, context: { kind: 'comment' }, expect: ['deny'], note: "a stranger cannot comment on a child's livestream" },
    { action: 'livestream.comment', actor: ids.stranger, target: ids.teen, context: { kind: 'record' }, expect: ['deny'], note: "a stranger cannot record a child's livestream" },
  ]);
  await decisionRule('FEED-01', [
    { action: 'content.view', actor: ids.teen, context: { category: 'self-harm' }, expect: ['deny'], note: 'self-harm content (primary priority) is withheld from a child' },
    { action: 'content.view', actor: ids.kid, context: { category: 'suicide' }, expect: ['deny'], note: 'suicide content is withheld from an under-13' },
  ]);
  await decisionRule('FEED-02', [
    { action: 'content.view', actor: ids.teen, context: { category: 'violence' }, expect: ['deny', 'allow_with_warning'], note: 'violent content is behind a warning for a teen' },
    { action: 'content.view', actor: ids.kid, context: { category: 'violence' }, expect: ['deny'], note: 'violent content is withheld from an under-13' },
  ]);

  // ---- reporting and moderation ----------------------------------------------------------------
  const reportEvidence: ProbeExchange[] = [];
  let caseId: string | null = null;
  let report: Reply | null = null;
  if (haveAccounts) {
    report = await client.probe(
      reportEvidence,
      'POST',
      '/v1/reports',
      {
        reporter: { kind: 'user', typeId: 'user', id: ids.teen },
        reportedAt: now().toISOString(),
        reportedForReason: { policyId: 'bullying', reason: 'conformance probe' },
        reportedItem: { id: ids.stranger, typeId: 'user', data: {} },
        idempotencyKey: `${prefix}-report`,
      },
      'the child reports the stranger',
    );
    caseId = (report.body as { caseId?: string } | null)?.caseId ?? null;
  }
  const noReports = !report || report.status === 404 || report.status === 405;
  if (noReports) {
    for (const r of ['RPT-01', 'RPT-03', 'RPT-04', 'RPT-05', 'RPT-07', 'RPT-08', 'MOD-01']) results.set(r, na('the deployment has no reports API (POST /v1/reports)', reportEvidence));
  } else if (!caseId) {
    results.set('RPT-01', fail(`a child's report was not accepted (HTTP ${report?.status ?? '?'})`, reportEvidence));
    for (const r of ['RPT-03', 'RPT-04', 'RPT-05', 'RPT-07', 'RPT-08', 'MOD-01']) results.set(r, na('no case was opened by the probe report', reportEvidence));
  } else {
    results.set('RPT-01', pass('a child can report an account; the report opens a case', reportEvidence));
    const e3: ProbeExchange[] = [...reportEvidence];
    const queue = await client.probe(e3, 'GET', `/v1/cases?subject=${encodeURIComponent(ids.stranger)}`, undefined, 'the case with its SLA deadline');
    const item = ((queue.body as { items?: { id: string; sla?: { dueAt?: string }; severity?: string }[] } | null)?.items ?? []).find((c) => c.id === caseId);
    const ack = (report!.body as { acknowledgement?: string } | null)?.acknowledgement;
    results.set(
      'RPT-03',
      ack && item?.sla?.dueAt
        ? pass(`the report is acknowledged ("${ack}") and its case carries a deadline (${item.sla.dueAt}) the platform can give as the indicative timeframe`, e3)
        : queue.status === 403 || queue.status === 404
          ? na('the key cannot read the moderation queue to see the deadline', e3)
          : fail('no acknowledgement or no deadline for the report', e3),
    );
    // Prioritisation: a grooming report about another account overtakes the earlier bullying case.
    const e7: ProbeExchange[] = [];
    const urgent = await client.probe(
      e7,
      'POST',
      '/v1/reports',
      {
        reporter: { kind: 'user', typeId: 'user', id: ids.kid },
        reportedAt: now().toISOString(),
        reportedForReason: { policyId: 'grooming', reason: 'conformance probe' },
        reportedItem: { id: ids.declared, typeId: 'user', data: {} },
        idempotencyKey: `${prefix}-urgent`,
      },
      'an under-13 reports grooming after the bullying report',
    );
    const urgentCase = (urgent.body as { caseId?: string } | null)?.caseId;
    const q = await client.probe(e7, 'GET', '/v1/cases?limit=200', undefined, 'the queue order');
    const order = ((q.body as { items?: { id: string }[] } | null)?.items ?? []).map((c) => c.id);
    if (!urgentCase || q.status !== 200) results.set('RPT-07', na('the queue could not be read with this key', e7));
    else results.set('RPT-07', order.indexOf(urgentCase) >= 0 && order.indexOf(urgentCase) < order.indexOf(caseId) ? pass('the later grooming report is queued before the earlier bullying report', e7) : fail('the grooming report does not overtake the earlier, less severe report', e7));
    // Decide the bullying case: a statement of reasons that validates, within the deadline.
    const e4: ProbeExchange[] = [];
    const decided = await client.probe(e4, 'POST', `/v1/cases/${encodeURIComponent(caseId)}/decisions`, { action: 'remove_content', facts: 'Conformance probe: bullying content removed.' }, 'a moderator decides the case');
    const decision = (decided.body as { decision?: { id: string; decidedAt: string; statementOfReasons?: unknown } } | null)?.decision;
    if (!decision) {
      const why = decided.status === 403 ? 'the key may not decide cases' : decided.status === 404 ? 'the deployment has no decisions API for cases' : `deciding failed (HTTP ${decided.status})`;
      for (const r of ['RPT-04', 'RPT-05', 'RPT-08', 'MOD-01']) results.set(r, decided.status === 403 || decided.status === 404 ? na(why, e4) : fail(why, e4));
    } else {
      const problems = validateStatement(decision.statementOfReasons);
      results.set('RPT-04', problems.length === 0 ? pass('the restriction came with a statement of reasons that validates against the EU database schema', e4) : fail(`the statement of reasons is invalid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, e4));
      results.set('MOD-01', pass('a reported item was reviewed and taken down, the time recorded', e4));
      const due = item?.sla?.dueAt;
      results.set('RPT-08', due ? (decision.decidedAt <= due ? pass(`decided at ${decision.decidedAt}, within the target ${due}`, [...e3.slice(-1), ...e4]) : fail(`decided at ${decision.decidedAt}, after the target ${due}`, e4)) : na('no target visible for the case', e4));
      const e5: ProbeExchange[] = [];
      const appeal = await client.probe(
        e5,
        'POST',
        '/v1/appeals',
        { appealId: `${prefix}-appeal`, appealedBy: { id: ids.stranger, typeId: 'user' }, appealedAt: now().toISOString(), actionedItem: { id: ids.stranger, typeId: 'user', data: {} }, actionsTaken: [decision.id] },
        'the reported user appeals',
      );
      results.set(
        'RPT-05',
        appeal.status === 201 || appeal.status === 200 ? pass('the decision can be appealed (the appeal is queued for a person to decide)', e5) : appeal.status === 404 ? na('the deployment has no appeals API', e5) : fail(`the appeal was not accepted (HTTP ${appeal.status})`, e5),
      );
    }
  }

  // ---- proactive detection ---------------------------------------------------------------------
  if (haveAccounts) {
    const evidence: ProbeExchange[] = [];
    const lines = ['how old are you', 'you are so mature for your age', 'keep this our secret ok', 'are your parents home', 'add me on snap', 'send me a pic', 'lets meet this weekend just us', 'delete these messages'];
    const r = await client.probe(
      evidence,
      'POST',
      '/v1/messages',
      { messages: lines.map((text, i) => ({ idempotencyKey: `${prefix}-m${i}`, conversationId: `${prefix}-conversation`, sender: ids.declared, recipients: [ids.kid], text })) },
      'a grooming-like conversation from an adult to an under-13',
    );
    const answers = (r.body as { results?: { action?: string; signals?: unknown[]; alertId?: string | null }[] } | null)?.results ?? [];
    const flagged = answers.filter((a) => (a.signals?.length ?? 0) > 0 || (a.action && a.action !== 'deliver') || a.alertId);
    if (r.status === 404 || r.status === 405) results.set('MOD-03', na('the deployment has no message-ingestion API for detection', evidence));
    else results.set('MOD-03', flagged.length > 0 ? pass(`detection flagged ${flagged.length} of ${answers.length} grooming-like messages`, evidence) : fail('detection raised nothing on a grooming-like conversation', evidence));
  } else results.set('MOD-03', na('the deployment has no accounts API to create fixtures with', setup));

  // ---- CSEA reporting (only when asked) -------------------------------------------------------
  if (!options.includeCsea) {
    for (const r of ['CSEA-01', 'CSEA-02', 'CSEA-03']) results.set(r, na('not probed: it would queue a real law-enforcement referral; run with --include-csea against a test deployment'));
  } else if (!haveAccounts) {
    for (const r of ['CSEA-01', 'CSEA-02', 'CSEA-03']) results.set(r, na('the deployment has no accounts API to create fixtures with', setup));
  } else {
    const evidence: ProbeExchange[] = [];
    const filed = await client.probe(
      evidence,
      'POST',
      '/v1/reports',
      { reporter: { kind: 'user', typeId: 'user', id: ids.teen }, reportedAt: now().toISOString(), reportedForReason: { policyId: 'grooming', reason: 'conformance probe' }, reportedItem: { id: ids.bridge, typeId: 'user', data: {} }, idempotencyKey: `${prefix}-csea` },
      'grooming reported (test deployment)',
    );
    const csCase = (filed.body as { caseId?: string } | null)?.caseId;
    const decided = csCase ? await client.probe(evidence, 'POST', `/v1/cases/${encodeURIComponent(csCase)}/decisions`, { action: 'refer_law_enforcement', facts: 'Conformance probe (test deployment).' }) : null;
    const referralIds = ((decided?.body as { referralIds?: string[] } | null)?.referralIds ?? []).slice(0, 5);
    const referrals: { target: string; retainUntil: string; createdAt: string }[] = [];
    for (const id of referralIds) {
      const r = await client.probe(evidence, 'GET', `/v1/referrals/${encodeURIComponent(id)}`);
      if (r.status === 200) referrals.push(r.body as { target: string; retainUntil: string; createdAt: string });
    }
    const targets = referrals.map((r) => r.target);
    results.set('CSEA-01', targets.includes('ncmec') ? pass('confirmed child sexual exploitation queues a CyberTipline report', evidence) : fail('no NCMEC referral was queued for confirmed enticement', evidence));
    results.set(
      'CSEA-02',
      referrals.length > 0 && referrals.every((r) => Date.parse(r.retainUntil) - Date.parse(r.createdAt) >= 365 * 86_400_000 - 1000) ? pass('referred material is kept for at least a year', evidence) : fail('referred material is not kept for a year', evidence),
    );
    results.set('CSEA-03', targets.includes('nca') ? pass('a UK-linked case is also referred to the NCA', evidence) : options.jurisdiction === 'UK' ? fail('a UK-linked case was not referred to the NCA', evidence) : na('the fixtures are not UK-linked; rerun with --jurisdiction UK', evidence));
  }

  // ---- transparency ------------------------------------------------------------------------------
  {
    const evidence: ProbeExchange[] = [];
    const today = now().toISOString().slice(0, 10);
    const from = `${today.slice(0, 4)}-01-01`;
    const csv = await client.probe(evidence, 'GET', `/v1/transparency?from=${from}&to=${today}&format=csv`, undefined, 'the transparency report in the template shape');
    const text = typeof csv.body === 'string' ? csv.body : '';
    const parts = ['01_ID', '03_MSO', '04_notices', '05_own_initiative_illegal', '06_own_initiative_tc', '07_appeals', '08_automated_means', '10_AMAR'];
    if (csv.status === 404) {
      results.set('TR-01', na('the deployment has no transparency API', evidence));
      results.set('TR-02', na('the deployment has no transparency API', evidence));
    } else if (csv.status === 403) {
      results.set('TR-01', na('the key may not read transparency reports (ask for a disclosure)', evidence));
      results.set('TR-02', na('the key may not read transparency reports (ask for a disclosure)', evidence));
    } else {
      const missing = parts.filter((p) => !text.includes(`\n${p},`));
      results.set('TR-01', csv.status === 200 && missing.length === 0 ? pass('the report is available in the harmonised template parts', evidence) : fail(`the report is ${csv.status === 200 ? `missing parts ${missing.join(', ')}` : `refused (HTTP ${csv.status})`}`, evidence));
      const amar = /\n10_AMAR,,average_monthly_active_recipients,,EU,(\d+),/.exec(text);
      results.set('TR-02', amar ? pass(`average monthly active recipients are published (${amar[1]})`, evidence) : na('no monthly active recipients reported this year; whether a public page exists cannot be seen through the API', evidence));
    }
  }

  // ---- clean up ------------------------------------------------------------------------------------
  for (const id of created) await client.call('DELETE', `/v1/accounts/${encodeURIComponent(id)}`).catch(() => undefined);

  const ordered: ConformanceResult[] = RULE_CATALOGUE.filter((r) => r.origin === 'seed').map((rule) => {
    const outcome = results.get(rule.id) ?? na(NOT_API_CHECKABLE[rule.id] ?? 'no API probe exists for this rule');
    return { ruleId: rule.id, title: rule.title, ...outcome };
  });
  return { target: options.target, startedAt, finishedAt: now().toISOString(), results: ordered };
}

export function registerConformanceCommand(program: Command, ctx: CliContext): void {
  program
    .command('conformance')
    .description('probe a live deployment for every catalogue rule an API client can check; exit 1 if any fails')
    .requiredOption('--target <url>', 'base URL of the deployment, e.g. https://safeguard.example.com')
    .requiredOption('--key <key>', 'an API key of the deployment (an admin key probes everything)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'html']).default('json'))
    .option('--output <file>', 'write the result to a file instead of stdout')
    .option('--jurisdiction <j>', 'jurisdiction of the fixture accounts', 'UK')
    .option('--timeout <ms>', 'per-request timeout in milliseconds', '15000')
    .option('--include-csea', 'also probe CSEA referrals (queues real referrals: test deployments only)', false)
    .option('--submit', 'also store the run on the target (POST /v1/regulator/conformance)', false)
    .action(async (opts: { target: string; key: string; format: 'json' | 'html'; output?: string; jurisdiction: string; timeout: string; includeCsea: boolean; submit: boolean }) => {
      let target: URL;
      try {
        target = new URL(opts.target);
        if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error('scheme');
      } catch {
        throw new SafeguardError('validation_failed', `--target "${opts.target}" is not an http(s) URL`);
      }
      const timeoutMs = Number(opts.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 100) throw new SafeguardError('validation_failed', '--timeout must be a whole number of milliseconds ≥ 100');
      const run = await runConformance({ target: target.toString().replace(/\/$/, ''), key: opts.key, jurisdiction: opts.jurisdiction, timeoutMs, includeCsea: opts.includeCsea });
      const text = opts.format === 'html' ? renderConformanceHtml(run) : `${JSON.stringify(run, null, 2)}\n`;
      if (opts.output) writeFileSync(opts.output, text);
      else ctx.io.stdout.write(text);
      const summary = summarizeConformance(run);
      if (opts.submit) {
        const stored = await new ProbeClient(run.target, opts.key, timeoutMs).call('POST', '/v1/regulator/conformance', run);
        ctx.err(stored.status === 201 ? `stored on the target as ${(stored.body as { id: string }).id}` : `could not store the run on the target (HTTP ${stored.status})`);
      }
      ctx.err(`conformance of ${run.target}: ${summary.pass} pass, ${summary.fail} fail, ${summary.notApplicable} not applicable${summary.fail ? ` — failing: ${summary.failed.join(', ')}` : ''}`);
      if (summary.fail > 0) process.exitCode = EXIT.findings;
    });
}
