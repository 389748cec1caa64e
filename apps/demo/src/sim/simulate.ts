/**
 * Plays a simulation script against Safeguard's PUBLIC API through the generated client, as a
 * platform's backend would, and measures what Safeguard caught.
 *
 * Contract:
 *  - setup: every account (PUT /v1/accounts), guardian links, and the friendships that exist
 *    before day one (request + accept, with the guardian's approval where the policy asks for it);
 *  - then the script hour by hour: connection requests (a refused one is not retried), the
 *    "people you may know" decisions, a message.send decision for every message — only allowed
 *    messages are sent (POST /v1/messages, batched, with the simulated timestamps) — and user
 *    reports (POST /v1/reports, Coop-shaped, with the conversation so far);
 *  - after each simulated hour the new alerts are read (GET /v1/alerts) and attributed to the
 *    moment they appeared, so "how early" is measured in the suspect's own messages;
 *  - the report: per scripted groomer whether and how it was caught (grooming / contact-risk /
 *    account-risk alert, or a case from a user report) and how many of its messages after its
 *    first tactic it took; alerts about benign accounts (false alerts); safety prompts shown in
 *    benign conversations; message and decision outcomes; throughput.
 * The script never changes in response to answers except where a platform must obey them, so two
 * runs of one seed against equal servers send the same requests.
 */
import { SafeguardApiError, type ArgsOf, type ResponseOf, type SafeguardClient } from '@safeguard/client';
import type { PersonaKind, Population, Script, ScriptEvent, SimAccount } from './population.js';

type MessageEvent = Extract<ScriptEvent, { type: 'message' }>;
type Alert = ResponseOf<'getAlertsByAlertId'>;
type MessageResult = ResponseOf<'postMessages'>['results'][number];
type Decision = Extract<ResponseOf<'postDecisions'>, { outcome: string }>;

export interface SimulationProgress {
  readonly done: number;
  readonly total: number;
  readonly day: number;
  readonly days: number;
  readonly messages: number;
  readonly alerts: number;
}

export interface SimulationOptions {
  /** A client with a platform (or admin) key. */
  readonly client: SafeguardClient;
  /** Optional client whose key may read cases (moderator or admin): cases about groomers are then counted. */
  readonly casesClient?: SafeguardClient;
  readonly onProgress?: (progress: SimulationProgress) => void;
  /** Parallel requests during setup (default 8). */
  readonly concurrency?: number;
}

export interface GroomerOutcome {
  readonly id: string;
  readonly style: string;
  readonly language: string;
  /** Children it was connected with and wrote to. */
  readonly childrenContacted: number;
  readonly messagesSent: number;
  readonly tacticMessagesSent: number;
  readonly caught: boolean;
  /** How it was first caught: an alert kind, or 'report' (a case opened by a user report). */
  readonly caughtBy: string | null;
  /** Every way it was caught by the end. */
  readonly signals: readonly string[];
  /** Its messages from its first tactic up to and including the one at which it was caught (0: before any tactic). */
  readonly messagesAfterFirstTactic: number | null;
  readonly simulatedDay: number | null;
  readonly cases: number | null;
}

export interface SimulationReport {
  readonly seed: string;
  readonly accounts: number;
  readonly days: number;
  readonly population: Readonly<Record<PersonaKind, number>>;
  readonly groomers: {
    readonly total: number;
    readonly caught: number;
    readonly caughtByDetection: number;
    readonly medianMessagesAfterFirstTactic: number | null;
    readonly outcomes: readonly GroomerOutcome[];
  };
  readonly spammers: { readonly total: number; readonly alerted: number };
  readonly benign: {
    readonly accounts: number;
    readonly accountsWithAlerts: number;
    readonly alerts: number;
    readonly alertedAccountRate: number;
    readonly messages: number;
    readonly messagesWithWarning: number;
    readonly messagesHeld: number;
    /** Each alert about a benign account: what kind, about whom, and in which conversation. */
    readonly falseAlerts: readonly { readonly id: string; readonly kind: string; readonly accountKind: string; readonly conversationId: string | null; readonly withSuspect: boolean }[];
  };
  readonly traffic: {
    readonly requests: number;
    readonly messagesSent: number;
    readonly messagesRefused: number;
    readonly decisions: Readonly<Record<string, number>>;
    readonly messageActions: Readonly<Record<string, number>>;
    readonly connectionRequests: number;
    readonly connectionsRefused: number;
    readonly reports: number;
    readonly alerts: Readonly<Record<string, number>>;
    readonly seconds: number;
    readonly messagesPerSecond: number;
  };
  /** What could not be measured (e.g. cases without a key that may read them). */
  readonly notes: readonly string[];
}

const HOUR_MS = 3_600_000;
const MESSAGE_BATCH = 1000;

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await work(item);
    }
  });
  await Promise.all(runners);
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const isPolicyDenied = (error: unknown): error is SafeguardApiError => error instanceof SafeguardApiError && error.code === 'policy_denied';

/**
 * Creates the population's accounts, guardian links and pre-existing friendships through the API
 * (idempotent: a second call changes nothing). Friendships the policy refuses are counted, not fatal.
 */
export async function createPopulation(client: SafeguardClient, population: Population, concurrency = 8): Promise<{ requests: number; refused: number }> {
  const accounts = new Map(population.accounts.map((a) => [a.id, a]));
  let requests = 0;
  const counted = <T>(p: Promise<T>): Promise<T> => {
    requests += 1;
    return p;
  };
  await pool(population.accounts, concurrency, async (a) => {
    const body: ArgsOf<'putAccountsById'>['body'] = {
      ...(a.birthDate ? { birthDate: a.birthDate } : {}),
      ...(a.declaredBand ? { ageBand: a.declaredBand } : {}),
      ageAssurance: { method: a.assurance },
      jurisdiction: a.jurisdiction,
    };
    await counted(client.putAccountsById({ params: { id: a.id }, body }));
  });
  let refused = 0;
  for (const a of population.accounts) {
    for (const g of a.guardians) {
      try {
        await counted(client.putAccountsByIdGuardiansByGuardianId({ params: { id: a.id, guardianId: g } }));
      } catch (error) {
        // Safeguard derives ages for its own today: with an --as-of far from it a 17-year-old may be an adult now.
        if (!(error instanceof SafeguardApiError) || error.code !== 'validation_failed') throw error;
        refused += 1;
      }
    }
  }
  await pool(population.friendships, concurrency, async ([x, y]) => {
    const a = accounts.get(x);
    const b = accounts.get(y);
    if (!a || !b) return;
    // The younger one asks (a child may ask; an adult asking a child needs a shared connection).
    const [actor, target] = a.age <= b.age ? [a, b] : [b, a];
    const approvedByGuardian = actor.guardians[0];
    try {
      await counted(client.postConnectionsByAction({ params: { action: 'request' }, body: { actor: actor.id, target: target.id, ...(approvedByGuardian ? { approvedByGuardian } : {}) } }));
      await counted(client.postConnectionsByAction({ params: { action: 'accept' }, body: { actor: target.id, target: actor.id } }));
    } catch (error) {
      if (!isPolicyDenied(error)) throw error;
      refused += 1;
    }
  });

  return { requests, refused };
}

/** Runs `script` against the server behind `options.client` and reports what was caught. */
export async function runSimulation(script: Script, options: SimulationOptions): Promise<SimulationReport> {
  const { client } = options;
  const population: Population = script.population;
  const accounts = new Map(population.accounts.map((a) => [a.id, a]));
  const started = performance.now();
  let requests = 0;
  const counted = <T>(p: Promise<T>): Promise<T> => {
    requests += 1;
    return p;
  };

  const setup = await createPopulation(client, population, options.concurrency ?? 8);
  requests += setup.requests;
  const setupRefused = setup.refused;

  // ---- bookkeeping ------------------------------------------------------------------------------
  const kindOf = (id: string | null): PersonaKind | undefined => (id ? accounts.get(id)?.kind : undefined);
  let ordinal = 0; // every message actually sent, in order
  /** Per account: ordinals of its sent messages, and the ordinal of its first tactic message. */
  const sentBy = new Map<string, number[]>();
  const firstTactic = new Map<string, number>();
  const tacticCount = new Map<string, number>();
  const contacted = new Map<string, Set<string>>();
  const ordinalAt = new Map<string, number>(); // `${conversation}#${index}` -> ordinal
  const sentThread = new Map<string, { id: string; sender: string; text: string; at: string }[]>();
  const caught = new Map<string, { by: string; ordinal: number; day: number }>();
  const signals = new Map<string, Set<string>>();
  const alerts = new Map<string, Alert>();
  const alertKinds: Record<string, number> = {};
  const decisions: Record<string, number> = {};
  const messageActions: Record<string, number> = {};
  let messagesRefused = 0;
  let connectionRequests = 0;
  let connectionsRefused = 0;
  let reports = 0;
  let benignMessages = 0;
  let benignWarnings = 0;
  let benignHeld = 0;
  let currentDay = 0;

  const markCaught = (id: string, by: string, at: number): void => {
    let set = signals.get(id);
    if (!set) signals.set(id, (set = new Set()));
    set.add(by);
    if (!caught.has(id)) caught.set(id, { by, ordinal: at, day: currentDay });
  };

  const noteAlert = (alert: Alert): void => {
    if (alerts.has(alert.id)) return;
    alerts.set(alert.id, alert);
    alertKinds[alert.kind] = (alertKinds[alert.kind] ?? 0) + 1;
    if (alert.accountId && kindOf(alert.accountId) === 'groomer') {
      // A conversation alert is pinned to the message that raised it; others to when they appeared.
      const at = alert.conversationId !== null && alert.messageIndex !== null ? ordinalAt.get(`${alert.conversationId}#${alert.messageIndex}`) : undefined;
      markCaught(alert.accountId, alert.kind, at ?? ordinal);
    }
  };

  const pollAlerts = async (): Promise<void> => {
    let before: string | undefined;
    for (;;) {
      const page = await counted(client.getAlerts({ query: { limit: 200, ...(before ? { before } : {}) } }));
      let fresh = 0;
      for (const alert of page.alerts) {
        if (!alerts.has(alert.id)) fresh += 1;
        noteAlert(alert);
      }
      // Newest first: a page with nothing new means everything older was seen already.
      if (fresh < page.alerts.length || !page.nextCursor) return;
      before = page.nextCursor;
    }
  };

  const sendMessages = async (batch: readonly MessageEvent[]): Promise<void> => {
    if (batch.length === 0) return;
    for (let start = 0; start < batch.length; start += MESSAGE_BATCH) {
      const chunk = batch.slice(start, start + MESSAGE_BATCH);
      const decided = await counted(client.postDecisions({ body: { items: chunk.map((m) => ({ action: 'message.send', actor: m.sender, target: m.recipient })) } }));
      const outcomes: readonly Decision[] = 'results' in decided ? decided.results : [decided];
      const allowed: MessageEvent[] = [];
      chunk.forEach((m, i) => {
        const outcome = outcomes[i]?.outcome ?? 'deny';
        decisions[outcome] = (decisions[outcome] ?? 0) + 1;
        // The platform obeys: deny and require_guardian are not sent; a warning is shown, then sent.
        if (outcome === 'allow' || outcome === 'allow_with_warning') allowed.push(m);
        else messagesRefused += 1;
      });
      if (allowed.length === 0) continue;
      const answer = await counted(
        client.postMessages({
          body: {
            messages: allowed.map((m) => ({
              idempotencyKey: m.idempotencyKey,
              conversationId: m.conversationId,
              sender: m.sender,
              recipients: [m.recipient],
              timestamp: new Date(m.at).toISOString(),
              text: m.text,
            })),
          },
        }),
      );
      answer.results.forEach((result: MessageResult, i) => {
        const m = allowed[i];
        if (!m) return;
        ordinal += 1;
        ordinalAt.set(`${result.conversationId}#${result.index}`, ordinal);
        messageActions[result.action] = (messageActions[result.action] ?? 0) + 1;
        const list = sentBy.get(m.sender) ?? [];
        list.push(ordinal);
        sentBy.set(m.sender, list);
        if (m.tactic !== null) {
          if (!firstTactic.has(m.sender)) firstTactic.set(m.sender, ordinal);
          tacticCount.set(m.sender, (tacticCount.get(m.sender) ?? 0) + 1);
        }
        const senderKind = kindOf(m.sender);
        if (senderKind === 'groomer') {
          const set = contacted.get(m.sender) ?? new Set<string>();
          set.add(m.recipient);
          contacted.set(m.sender, set);
        }
        const benignConversation = senderKind !== 'groomer' && senderKind !== 'spammer' && kindOf(m.recipient) !== 'groomer' && kindOf(m.recipient) !== 'spammer';
        if (benignConversation) {
          benignMessages += 1;
          if (result.action === 'deliver_with_warning') benignWarnings += 1;
          if (result.action === 'hold_for_review') benignHeld += 1;
        }
        const thread = sentThread.get(m.conversationId) ?? [];
        thread.push({ id: m.idempotencyKey, sender: m.sender, text: m.text, at: new Date(m.at).toISOString() });
        if (thread.length > 50) thread.shift();
        sentThread.set(m.conversationId, thread);
      });
    }
  };

  const connect = async (event: Extract<ScriptEvent, { type: 'connect' }>): Promise<void> => {
    connectionRequests += 1;
    try {
      await counted(client.postConnectionsByAction({ params: { action: 'request' }, body: { actor: event.actor, target: event.target } }));
    } catch (error) {
      if (!isPolicyDenied(error)) throw error;
      connectionsRefused += 1;
      return;
    }
    if (event.accept) {
      try {
        await counted(client.postConnectionsByAction({ params: { action: 'accept' }, body: { actor: event.target, target: event.actor } }));
      } catch (error) {
        if (!isPolicyDenied(error)) throw error;
        connectionsRefused += 1;
      }
    } else {
      await counted(client.postConnectionsByAction({ params: { action: 'decline' }, body: { actor: event.target, target: event.actor } }));
    }
  };

  const report = async (event: Extract<ScriptEvent, { type: 'report' }>): Promise<void> => {
    const thread = (sentThread.get(event.conversationId) ?? []).slice(-20);
    const last = [...thread].reverse().find((m) => m.sender === event.reported);
    if (!last) return; // nothing of theirs reached the reporter: nothing to report
    reports += 1;
    const item = (m: { id: string; sender: string; text: string; at: string }) => ({ id: m.id, typeId: 'chat-message', data: { text: m.text, creatorId: m.sender, createdAt: m.at } });
    const receipt = await counted(
      client.postReports({
        body: {
          reporter: { kind: 'user', typeId: 'user', id: event.reporter },
          reportedAt: new Date(event.at).toISOString(),
          reportedForReason: { policyId: event.reason },
          reportedItem: item(last),
          reportedItemThread: thread.map(item),
          idempotencyKey: `${population.seed}:report:${event.reporter}:${event.reported}`,
        },
      }),
    );
    if (kindOf(event.reported) === 'groomer' && receipt.caseId) markCaught(event.reported, 'report', ordinal);
  };

  // ---- the script, hour by hour ------------------------------------------------------------------
  const total = script.events.length;
  let done = 0;
  const progress = (): void =>
    options.onProgress?.({ done, total, day: currentDay, days: script.days, messages: ordinal, alerts: alerts.size });
  progress();
  let index = 0;
  while (index < script.events.length) {
    const first = script.events[index];
    if (!first) break;
    const hourEnd = Math.floor(first.at / HOUR_MS) * HOUR_MS + HOUR_MS;
    currentDay = Math.max(0, Math.floor((first.at - script.startsAt) / (24 * HOUR_MS)));
    const tick: ScriptEvent[] = [];
    while (index < script.events.length && (script.events[index]?.at ?? Infinity) < hourEnd) {
      const e = script.events[index];
      if (e) tick.push(e);
      index += 1;
    }
    // Within an hour: the graph changes first, then chat, then reports about that chat.
    for (const e of tick) if (e.type === 'connect') await connect(e);
    const suggestionItems = tick.flatMap((e) => (e.type === 'suggestions' ? e.candidates.map((c) => ({ action: 'suggestion.show', actor: e.viewer, target: c })) : []));
    for (let s = 0; s < suggestionItems.length; s += 1000) {
      const decided = await counted(client.postDecisions({ body: { items: suggestionItems.slice(s, s + 1000) } }));
      for (const d of 'results' in decided ? decided.results : [decided]) decisions[d.outcome] = (decisions[d.outcome] ?? 0) + 1;
    }
    await sendMessages(tick.filter((e): e is MessageEvent => e.type === 'message'));
    for (const e of tick) if (e.type === 'report') await report(e);
    await pollAlerts();
    done += tick.length;
    progress();
  }
  await pollAlerts();

  // ---- the report ----------------------------------------------------------------------------------
  const notes: string[] = [];
  if (setupRefused > 0) notes.push(`${setupRefused} guardian links or pre-existing friendships were refused during setup (e.g. an under-13 and an adult without a guardian's approval, or an age that changed band between --as-of and today)`);
  let casesReadable = options.casesClient !== undefined;
  const groomers = population.accounts.filter((a) => a.kind === 'groomer');
  const outcomes: GroomerOutcome[] = [];
  for (const g of groomers) {
    let cases: number | null = null;
    if (casesReadable && options.casesClient) {
      try {
        let count = 0;
        for (const status of ['open', 'decided'] as const) {
          const page = await counted(options.casesClient.getCases({ query: { subject: g.id, status, limit: 200 } }));
          count += page.items.length;
        }
        cases = count;
        if (count > 0) {
          const set = signals.get(g.id) ?? new Set<string>();
          set.add('case');
          signals.set(g.id, set);
        }
      } catch (error) {
        if (!(error instanceof SafeguardApiError) || error.status !== 403) throw error;
        casesReadable = false;
        notes.push('cases were not counted: the key may not read cases (use a moderator or admin key for --cases-key)');
      }
    }
    const first = caught.get(g.id);
    const start = firstTactic.get(g.id);
    const sent = sentBy.get(g.id) ?? [];
    const after = first ? (start === undefined || first.ordinal < start ? 0 : sent.filter((o) => o >= start && o <= first.ordinal).length) : null;
    outcomes.push({
      id: g.id,
      style: g.style ?? 'unknown',
      language: g.language,
      childrenContacted: contacted.get(g.id)?.size ?? 0,
      messagesSent: sent.length,
      tacticMessagesSent: tacticCount.get(g.id) ?? 0,
      caught: first !== undefined || (cases ?? 0) > 0,
      caughtBy: first?.by ?? ((cases ?? 0) > 0 ? 'case' : null),
      signals: [...(signals.get(g.id) ?? [])].sort(),
      messagesAfterFirstTactic: after,
      simulatedDay: first ? first.day + 1 : null,
      cases,
    });
  }
  if (!options.casesClient) notes.push('cases were not counted (no key that may read cases); alerts and reports were');

  const benignKinds: readonly PersonaKind[] = ['child', 'teen', 'adult', 'parent'];
  const benignAccounts = population.accounts.filter((a) => benignKinds.includes(a.kind));
  const falseAlerts = [...alerts.values()].filter((a) => a.accountId !== null && benignKinds.includes(kindOf(a.accountId) ?? 'groomer'));
  const falseAccounts = new Set(falseAlerts.map((a) => a.accountId));
  const spammers = population.accounts.filter((a) => a.kind === 'spammer');
  const alertedSpammers = new Set([...alerts.values()].filter((a) => kindOf(a.accountId) === 'spammer').map((a) => a.accountId));
  const seconds = (performance.now() - started) / 1000;
  const byKind = (kind: PersonaKind): number => population.accounts.filter((a: SimAccount) => a.kind === kind).length;

  return {
    seed: population.seed,
    accounts: population.accounts.length,
    days: script.days,
    population: { child: byKind('child'), teen: byKind('teen'), parent: byKind('parent'), adult: byKind('adult'), groomer: byKind('groomer'), spammer: byKind('spammer') },
    groomers: {
      total: groomers.length,
      caught: outcomes.filter((o) => o.caught).length,
      caughtByDetection: outcomes.filter((o) => o.signals.some((s) => s !== 'report' && s !== 'case')).length,
      medianMessagesAfterFirstTactic: median(outcomes.flatMap((o) => (o.messagesAfterFirstTactic === null ? [] : [o.messagesAfterFirstTactic]))),
      outcomes,
    },
    spammers: { total: spammers.length, alerted: alertedSpammers.size },
    benign: {
      accounts: benignAccounts.length,
      accountsWithAlerts: falseAccounts.size,
      alerts: falseAlerts.length,
      alertedAccountRate: benignAccounts.length === 0 ? 0 : falseAccounts.size / benignAccounts.length,
      messages: benignMessages,
      messagesWithWarning: benignWarnings,
      messagesHeld: benignHeld,
      falseAlerts: falseAlerts
        .map((a) => ({
          id: a.id,
          kind: a.kind,
          accountKind: kindOf(a.accountId) ?? 'unknown',
          conversationId: a.conversationId,
          // The alert named the child or adult in a conversation with a groomer or spammer.
          withSuspect: a.conversationId !== null && population.accounts.some((s) => (s.kind === 'groomer' || s.kind === 'spammer') && a.conversationId?.includes(s.id) === true),
        }))
        .sort((x, y) => x.id.localeCompare(y.id)),
    },
    traffic: {
      requests,
      messagesSent: ordinal,
      messagesRefused,
      decisions,
      messageActions,
      connectionRequests,
      connectionsRefused,
      reports,
      alerts: alertKinds,
      seconds,
      messagesPerSecond: seconds > 0 ? ordinal / seconds : 0,
    },
    notes,
  };
}

/** The report as plain text for a terminal. */
export function formatReport(report: SimulationReport): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const p = report.population;
  const g = report.groomers;
  const b = report.benign;
  const t = report.traffic;
  const lines = [
    `Simulation: seed "${report.seed}", ${report.accounts} accounts, ${report.days} days`,
    `  population: ${p.child} children, ${p.teen} teens, ${p.parent} parents, ${p.adult} adults, ${p.groomer} scripted groomers, ${p.spammer} spammers`,
    '',
    `Groomers caught: ${g.caught}/${g.total} (${g.caughtByDetection} by detection alerts; the rest by user reports or not at all)`,
    `  median messages after the first tactic before being caught: ${g.medianMessagesAfterFirstTactic ?? 'n/a'}`,
  ];
  for (const o of g.outcomes) {
    lines.push(
      `  ${o.id} (${o.style}, ${o.language}): ${o.caught ? `caught by ${o.caughtBy ?? '?'} on day ${o.simulatedDay ?? '?'} after ${o.messagesAfterFirstTactic ?? '?'} tactic-phase messages` : 'NOT caught'}; ` +
        `wrote to ${o.childrenContacted} children, ${o.messagesSent} messages (${o.tacticMessagesSent} with tactics)${o.signals.length ? `; signals: ${o.signals.join(', ')}` : ''}${o.cases !== null ? `; cases: ${o.cases}` : ''}`,
    );
  }
  lines.push(
    '',
    `False alerts on benign accounts: ${b.alerts} alert(s) on ${b.accountsWithAlerts} of ${b.accounts} benign accounts (${pct(b.alertedAccountRate)})`,
    `  benign messages: ${b.messages}; with a safety prompt: ${b.messagesWithWarning} (${pct(b.messages ? b.messagesWithWarning / b.messages : 0)}); held: ${b.messagesHeld}`,
    `Spammers alerted: ${report.spammers.alerted}/${report.spammers.total}`,
    '',
    `Traffic: ${t.requests} API requests in ${t.seconds.toFixed(1)} s; ${t.messagesSent} messages sent (${t.messagesPerSecond.toFixed(0)}/s), ${t.messagesRefused} refused before sending`,
    `  decisions: ${Object.entries(t.decisions).sort().map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `  message answers: ${Object.entries(t.messageActions).sort().map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `  connection requests: ${t.connectionRequests} (${t.connectionsRefused} refused); reports: ${t.reports}; alerts: ${Object.entries(t.alerts).sort().map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
  );
  for (const note of report.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
