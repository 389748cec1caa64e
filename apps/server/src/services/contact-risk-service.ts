/**
 * Contact-pattern risk (issue 3): after a connection event between an adult and a child, the
 * adult's recent graph behaviour is assessed (requests to unconnected children, declines and
 * blocks by children, age gaps, friend-of-friend hops into children) and an alert is raised once
 * per account and month when the risk is high. Runs in the request's transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@safeguard/core';
import { assessContactRisk, type AccountAgeFacts, type ConnectionEventType } from '@safeguard/detect-text';
import { DetectionStore, type AlertRecord, type SafeguardStore } from '@safeguard/store';
import type { AlertHook } from './ingest-service.js';
import type { PolicyService } from './policy-service.js';

/** Risk from which an alert is raised; the assessment's priors are documented in docs/detection.md. */
export const CONTACT_RISK_ALERT_THRESHOLD = 0.5;
const WINDOW_DAYS = 30;

export class ContactRiskService {
  private readonly hooks: AlertHook[];

  constructor(
    private readonly policy: PolicyService,
    private readonly clock: Clock,
    hooks: readonly AlertHook[] = [],
  ) {
    this.hooks = [...hooks];
  }

  onAlert(hook: AlertHook): void {
    this.hooks.push(hook);
  }

  /** Re-assesses `subjectId` after an event; returns the alert when one was raised now. */
  async assess(store: SafeguardStore, tenantId: string, subjectId: string): Promise<AlertRecord | null> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - WINDOW_DAYS * 86_400_000).toISOString();
    const events = await store.listConnectionEvents(tenantId, { accountId: subjectId, since, limit: 5000 });
    const others = [...new Set(events.flatMap((e) => [e.actorId, e.targetId]))];
    const accounts = await this.policy.resolveAccounts(tenantId, [subjectId, ...others]);
    const subject = accounts.get(subjectId);
    if (!subject || subject.child) return null;
    const adjacency = await store.loadAdjacency(tenantId, [subjectId, ...others]);
    const connections: [string, string][] = [];
    for (const [id, adj] of adjacency) for (const peer of adj.peers) if (id < peer) connections.push([id, peer]);
    const facts: AccountAgeFacts[] = [...accounts.values()].map((a) =>
      a.age !== null ? { id: a.id, age: a.age, ageBand: a.band } : { id: a.id, ageBand: a.band },
    );
    const result = assessContactRisk({
      subjectId,
      accounts: facts,
      events: events.map((e) => ({ ...e, type: e.type as ConnectionEventType })),
      connections,
      since,
    });
    if (result.score < CONTACT_RISK_ALERT_THRESHOLD) return null;
    const raisedAt = now.toISOString();
    // The alert and whatever its hooks do (opening a case) commit together.
    const { alert, created } = await store.transaction(async (tx) => {
      const raised = await new DetectionStore(tx).raiseAlert(tenantId, {
        id: `al_${randomUUID()}`,
        kind: 'contact-risk',
        dedupeKey: `contact-risk:${subjectId}:${raisedAt.slice(0, 7)}`,
        accountId: subjectId,
        conversationId: null,
        messageIndex: null,
        score: result.score,
        signals: [],
        details: { reasons: result.reasons, metrics: result.metrics },
        status: 'open',
        caseId: null,
        raisedAt,
      });
      if (raised.created) for (const hook of this.hooks) await hook(tx, tenantId, raised.alert);
      return raised;
    });
    if (!created) return null;
    return alert;
  }
}
