/**
 * Detection alerts become moderation cases (issue 5): every new alert opens a case, or joins the
 * open case about the same account, inside the transaction that raised it. The conversation's
 * stored messages (with their signals) are preserved with the case as evidence.
 */
import { CaseStore, DetectionStore, openCaseFromAlert, type AlertRecord, type SafeguardStore } from '@safeguard/store';
import type { AlertHook, AlertedConversationHook } from './ingest-service.js';

/** Messages preserved with a case: the conversation up to the alert, bounded. */
const MAX_EVIDENCE_MESSAGES = 2000;

export const openCaseForAlert: AlertHook = async (tx: SafeguardStore, tenantId: string, alert: AlertRecord) => {
  if (!alert.accountId) return;
  const detection = new DetectionStore(tx);
  const messages = alert.conversationId
    ? await detection.conversationMessages(tenantId, alert.conversationId, { limit: MAX_EVIDENCE_MESSAGES })
    : [];
  const others = [...new Set(messages.flatMap((m) => [m.senderId, ...m.recipients]))].filter((id) => id !== alert.accountId);
  const opened = await openCaseFromAlert(tx, tenantId, {
    alertId: alert.id,
    kind: alert.kind,
    accountId: alert.accountId,
    otherAccountIds: others,
    conversationId: alert.conversationId,
    score: alert.score,
    signals: alert.signals.map((s) => ({ type: s.type, message: s.message, participant: s.participant, ...(s.detail ? { detail: s.detail } : {}) })),
    timeline: messages.map((m) => ({ index: m.seq, from: m.senderId, ts: m.sentAt, text: m.text })),
    raisedAt: alert.raisedAt,
    summary: alert.kind === 'grooming' ? 'grooming_tactics_in_conversation' : alert.kind.replace(/-/g, '_'),
  });
  await detection.setAlertCase(tenantId, alert.id, opened.caseId);
};

/** Messages that keep arriving in alerted conversations join the alerts' cases as evidence. */
export const appendToAlertCase: AlertedConversationHook = async (tx, tenantId, followUps) => {
  await new CaseStore(tx).appendAlertEvidence(
    tenantId,
    followUps.map((f) => ({
      alertId: f.alertId,
      conversationId: f.messages[0]?.conversationId ?? '',
      messages: f.messages.map((m) => ({ index: m.seq, from: m.senderId, ts: m.sentAt, text: m.text, flagged: m.signals.length > 0 })),
    })),
  );
};
