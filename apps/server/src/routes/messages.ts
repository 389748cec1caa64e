/**
 * Messages and alerts (issue 3). POST /v1/messages takes up to 1,000 messages per call and
 * answers per message: deliver, deliver_with_warning (the child sees a safety prompt, ICU F2) or
 * hold_for_review. Alerts raised by detection are listed with their signals.
 */
import { z } from 'zod';
import { SafeguardError } from '@safeguard/core';
import { DetectionStore, type AlertRecord } from '@safeguard/store';
import { principalOf } from '../app.js';
import { MAX_BUS_TEXT_CHARS, encodeQueued } from '../bus.js';
import { audit } from '../services/audit-service.js';
import { AccountId, IsoDateTime, errorResponses } from '../schemas.js';
import type { ZodApp } from './types.js';

export const MAX_MESSAGE_BATCH = 1000;
/** Messages up to 1 MiB are accepted; the detector scores a bounded prefix of long ones. */
export const MAX_MESSAGE_CHARS = 1024 * 1024;
/** The messages route alone accepts bodies up to 16 MiB (one maximal message plus a batch). */
export const MESSAGES_BODY_LIMIT = 16 * 1024 * 1024;

const ConversationId = z.string().min(1).max(200).regex(/^[A-Za-z0-9._:@|#/-]+$/, 'conversation ids use letters, digits and . _ : @ | # / -');

const MessageIn = z.strictObject({
  idempotencyKey: z.string().min(1).max(200).describe('Unique per message: a retried message gets its first answer'),
  conversationId: ConversationId,
  sender: AccountId,
  recipients: z.array(AccountId).min(1).max(500),
  timestamp: IsoDateTime.optional().describe('When it was sent; the time of receipt when absent'),
  text: z.string().max(MAX_MESSAGE_CHARS),
});

const SignalView = z.object({ type: z.string(), participant: z.string().nullable(), detail: z.string().optional() });


const MessageResultView = z.object({
  idempotencyKey: z.string(),
  conversationId: z.string(),
  index: z.number(),
  action: z.enum(['deliver', 'deliver_with_warning', 'hold_for_review']),
  duplicate: z.boolean(),
  senderRisk: z.number(),
  alertId: z.string().nullable(),
  signals: z.array(SignalView).readonly(),
  warnings: z.array(z.string()).readonly(),
  queued: z.boolean().optional().describe('Scale-out mode: queued for a worker; the action is a preview'),
});

const AlertView = z.object({
  id: z.string(),
  kind: z.string(),
  accountId: z.string().nullable().describe('The suspected account'),
  conversationId: z.string().nullable(),
  messageIndex: z.number().nullable().describe('Message at which the alert was raised'),
  score: z.number(),
  signals: z.array(z.object({ type: z.string(), message: z.number(), participant: z.string().nullable(), detail: z.string().optional() })),
  details: z.record(z.string(), z.unknown()),
  status: z.string(),
  caseId: z.string().nullable(),
  raisedAt: z.string(),
});

const presentAlert = (a: AlertRecord): z.infer<typeof AlertView> => ({
  ...a,
  signals: a.signals.map((s) => ({ type: s.type, message: s.message, participant: s.participant, ...(s.detail ? { detail: s.detail } : {}) })),
  details: { ...a.details },
});

export function messageRoutes(app: ZodApp): void {
  const { store, ingest, policy } = app.services;

  app.post(
    '/v1/messages',
    {
      config: { permission: 'messages:create' },
      bodyLimit: MESSAGES_BODY_LIMIT,
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['detection'],
        summary: 'Ingest messages for grooming detection (up to 1,000 per call)',
        description:
          'Answers per message, in order: deliver, deliver_with_warning (show the child a safety prompt, ICU F2) or hold_for_review, with the signals the message raised. Messages are stored durably before the answer; a repeated idempotencyKey gets its first answer (duplicate: true). Unregistered accounts are scored with unknown age and named in warnings.',
        body: z.strictObject({ messages: z.array(MessageIn).min(1).max(MAX_MESSAGE_BATCH) }),
        response: { 200: z.object({ results: z.array(MessageResultView) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { bus } = app.services;
      if (!bus) return { results: await ingest.ingest(principal.tenantId, request.body.messages) };
      // Scale-out: answer from the stored state, then publish durably before acknowledging.
      const results = await ingest.preview(principal.tenantId, request.body.messages);
      const receivedAt = new Date().toISOString();
      const toQueue = request.body.messages.filter((_, i) => results[i]?.queued === true);
      if (toQueue.length > 0) {
        await bus.publish(
          toQueue.map((m) => ({
            id: `${principal.tenantId}:${m.idempotencyKey}`,
            key: `${principal.tenantId}/${m.conversationId}`,
            data: encodeQueued({
              tenantId: principal.tenantId,
              receivedAt,
              message: { ...m, text: m.text.length > MAX_BUS_TEXT_CHARS ? m.text.slice(0, MAX_BUS_TEXT_CHARS) : m.text },
            }),
          })),
        );
      }
      return { results };
    },
  );

  app.get(
    '/v1/alerts',
    {
      config: { permission: 'alerts:read' },
      schema: {
        tags: ['detection'],
        summary: 'Alerts raised by detection, newest first',
        querystring: z.strictObject({
          kind: z.enum(['grooming', 'account-risk', 'contact-risk', 'hash-match', 'nudity']).optional(),
          accountId: AccountId.optional(),
          status: z.enum(['open', 'closed']).optional(),
          before: z.string().max(300).optional().describe('Cursor from the previous page'),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ alerts: z.array(AlertView), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const { kind, accountId, status, before, limit } = request.query;
      let cursor: { raisedAt: string; id: string } | undefined;
      if (before) {
        const [raisedAt, id] = Buffer.from(before, 'base64url').toString('utf8').split('|');
        if (!raisedAt || !id) throw new SafeguardError('validation_failed', 'Invalid cursor');
        cursor = { raisedAt, id };
      }
      const alerts = await new DetectionStore(store).listAlerts(principalOf(request).tenantId, {
        ...(kind ? { kind } : {}),
        ...(accountId ? { accountId } : {}),
        ...(status ? { status } : {}),
        ...(cursor ? { before: cursor } : {}),
        limit,
      });
      const last = alerts[alerts.length - 1];
      return {
        alerts: alerts.map(presentAlert),
        nextCursor: alerts.length === limit && last ? Buffer.from(`${last.raisedAt}|${last.id}`).toString('base64url') : null,
      };
    },
  );

  app.get(
    '/v1/alerts/:alertId',
    {
      config: { permission: 'alerts:read' },
      schema: {
        tags: ['detection'],
        summary: 'One alert with its signals',
        params: z.strictObject({ alertId: z.string().min(1).max(100) }),
        response: { 200: AlertView, ...errorResponses },
      },
    },
    async (request) => {
      const alert = await new DetectionStore(store).getAlert(principalOf(request).tenantId, request.params.alertId);
      if (!alert) throw new SafeguardError('not_found', `No alert "${request.params.alertId}"`);
      return presentAlert(alert);
    },
  );

  app.get(
    '/v1/conversations/:conversationId/messages',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags: ['detection'],
        summary: 'A conversation as stored: metadata, signals, and text where it is retained (audited)',
        description:
          'Text is kept only for conversations with an alert or a report; elsewhere it is removed after the retention window. Every read is audited.',
        params: z.strictObject({ conversationId: ConversationId }),
        querystring: z.strictObject({ after: z.coerce.number().int().min(-1).default(-1), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
        response: {
          200: z.object({
            conversationId: z.string(),
            messages: z.array(
              z.object({
                index: z.number(),
                sender: z.string(),
                recipients: z.array(z.string()),
                sentAt: z.string(),
                text: z.string().nullable(),
                action: z.string(),
                senderRisk: z.number(),
                signals: z.array(z.object({ type: z.string(), participant: z.string().nullable(), detail: z.string().optional() })),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { conversationId } = request.params;
      const messages = await new DetectionStore(store).conversationMessages(principal.tenantId, conversationId, {
        afterSeq: request.query.after,
        limit: request.query.limit,
      });
      if (messages.length === 0 && request.query.after < 0) throw new SafeguardError('not_found', `No conversation "${conversationId}"`);
      const people = [...new Set(messages.flatMap((m) => [m.senderId, ...m.recipients]))];
      const accounts = await policy.resolveAccounts(principal.tenantId, people);
      const involvesChild = people.some((p) => accounts.get(p)?.child !== false);
      await audit(store, principal, {
        action: involvesChild ? 'child-data.view' : 'conversation.view',
        target: conversationId,
        details: { messages: messages.length },
      });
      return {
        conversationId,
        messages: messages.map((m) => ({
          index: m.seq,
          sender: m.senderId,
          recipients: [...m.recipients],
          sentAt: m.sentAt,
          text: m.text,
          action: m.action,
          senderRisk: m.senderRisk,
          signals: m.signals.map((s) => ({ type: s.type, participant: s.participant, ...(s.detail ? { detail: s.detail } : {}) })),
        })),
      };
    },
  );
}
