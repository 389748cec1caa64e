/**
 * The reference platform's backend logic: a tiny social network that keeps its own profiles and
 * messages and asks Safeguard — through the generated client, with the platform's key — before
 * every interaction, and obeys the answer:
 *  - profile views, suggestions, connection requests and every direct message are decided first
 *    (POST /v1/decisions); a `deny` is shown with Safeguard's explanation and rule ids, an
 *    `allow_with_warning` shows the safety prompt and needs the user's acknowledgement;
 *  - each message sent is checked (POST /v1/messages): `deliver_with_warning` shows the recipient a
 *    safety prompt beside it, `hold_for_review` keeps it from the recipient;
 *  - images go to POST /v1/media only when the connected server documents that route in its
 *    OpenAPI document; otherwise images are not sent at all (never sent unchecked, never faked);
 *  - the report button files a Coop-shaped report (POST /v1/reports) with the conversation.
 * The connection graph itself lives in Safeguard (the platform reads it back), so the console and
 * the demo always agree. State kept here (profiles, messages, pictures) is in memory.
 */
import { randomUUID } from 'node:crypto';
import { SafeguardApiError, type ResponseOf, type SafeguardClient } from '@safeguard/client';
import { samplePictures, type SamplePicture } from './images.js';

export type Decision = Extract<ResponseOf<'postDecisions'>, { outcome: string }>;
export type MessageAnswer = ResponseOf<'postMessages'>['results'][number];

export interface Profile {
  readonly id: string;
  readonly name: string;
  readonly about: string;
  /** Who this is in the demo script (shown on the sign-in page). */
  readonly role?: string;
}

export interface ChatImage {
  readonly pictureId: string;
  readonly mediaId: string | null;
  /** Safeguard's outcome for the upload. */
  readonly outcome: string;
  readonly explanation: string;
  /** What each recipient gets: deliver, deliver_blurred or withhold. */
  readonly deliveries: Readonly<Record<string, string>>;
}

export interface ChatMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly from: string;
  readonly to: string;
  readonly at: string;
  readonly text: string | null;
  readonly image: ChatImage | null;
  /** deliver, deliver_with_warning or hold_for_review (text); the media outcome for images. */
  readonly action: string;
  readonly signals: readonly string[];
}

export interface RefusedAttempt {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly action: string;
  readonly decision: Decision;
}

/** POST /v1/media's answer; `nudity` is documented loosely (unknown), so it is read defensively. */
type MediaAnswer = ResponseOf<'postMedia'>;

/** Per-recipient deliveries from the nudity intervention: deliver, deliver_blurred or withhold. */
export function deliveriesOf(nudity: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const list = (nudity as { deliveries?: unknown } | null)?.deliveries;
  if (!Array.isArray(list)) return out;
  for (const d of list as { recipientId?: unknown; delivery?: unknown }[]) {
    if (typeof d.recipientId === 'string' && typeof d.delivery === 'string') out[d.recipientId] = d.delivery;
  }
  return out;
}

export const conversationOf = (a: string, b: string): string => (a < b ? `dm:${a}|${b}` : `dm:${b}|${a}`);

export class DemoPlatform {
  readonly profiles = new Map<string, Profile>();
  readonly messages = new Map<string, ChatMessage[]>();
  readonly refused: RefusedAttempt[] = [];
  readonly pictures: readonly SamplePicture[] = samplePictures();
  private mediaSupport: { checkedAt: number; supported: boolean } | null = null;

  constructor(readonly safeguard: SafeguardClient) {}

  addProfile(profile: Profile): void {
    this.profiles.set(profile.id, profile);
  }

  profile(id: string): Profile | undefined {
    return this.profiles.get(id);
  }

  nameOf(id: string): string {
    return this.profiles.get(id)?.name ?? id;
  }

  async account(id: string): Promise<ResponseOf<'getAccountsById'>> {
    return this.safeguard.getAccountsById({ params: { id } });
  }

  async decide(action: string, actor: string, target: string): Promise<Decision> {
    const answer = await this.safeguard.postDecisions({ body: { action, actor, target } });
    if (!('outcome' in answer)) throw new Error('expected one decision');
    return answer;
  }

  async decideMany(items: readonly { action: string; actor: string; target: string }[]): Promise<Decision[]> {
    if (items.length === 0) return [];
    const answer = await this.safeguard.postDecisions({ body: { items } });
    return 'results' in answer ? answer.results : [answer];
  }

  /** The owner's view of their connections (pending requests included), from Safeguard. */
  async connections(id: string): Promise<{ accountId: string; state: string }[]> {
    const list = await this.safeguard.getAccountsByIdConnections({ params: { id }, query: { limit: 500 } });
    return list.connections;
  }

  /** Candidates the viewer may be shown, each decided (children are never suggested nor shown suggestions). */
  async suggestions(viewer: string, limit = 6): Promise<{ shown: string[]; refused: Decision | null }> {
    const mine = new Set((await this.connections(viewer)).map((c) => c.accountId));
    const candidates = [...this.profiles.keys()].filter((id) => id !== viewer && !mine.has(id)).slice(0, 40);
    const decisions = await this.decideMany(candidates.map((target) => ({ action: 'suggestion.show', actor: viewer, target })));
    const shown = candidates.filter((_, i) => decisions[i]?.outcome === 'allow').slice(0, limit);
    const refused = shown.length === 0 ? (decisions.find((d) => d.outcome === 'deny') ?? null) : null;
    return { shown, refused };
  }

  /**
   * Sends a connection request once allowed. An `allow_with_warning` needs `acknowledged`; the
   * answer says what happened so the page can show the decision.
   */
  async requestConnection(actor: string, target: string, acknowledged: boolean): Promise<{ status: 'sent' | 'refused' | 'needs-ack'; decision: Decision }> {
    const decision = await this.decide('connection.request', actor, target);
    if (decision.outcome === 'allow_with_warning' && !acknowledged) return { status: 'needs-ack', decision };
    if (decision.outcome === 'deny' || decision.outcome === 'require_guardian') {
      this.refused.push({ at: new Date().toISOString(), from: actor, to: target, action: 'connection.request', decision });
      return { status: 'refused', decision };
    }
    try {
      await this.safeguard.postConnectionsByAction({ params: { action: 'request' }, body: { actor, target } });
    } catch (error) {
      // Safeguard re-decides when storing; a refusal there is shown like any other.
      if (error instanceof SafeguardApiError && error.code === 'policy_denied') {
        const refused = (error.details as { decision?: Decision } | null)?.decision ?? { outcome: 'deny' as const, ruleIds: [], explanation: error.message };
        return { status: 'refused', decision: refused };
      }
      throw error;
    }
    return { status: 'sent', decision };
  }

  async answerRequest(actor: string, requester: string, accept: boolean): Promise<void> {
    await this.safeguard.postConnectionsByAction({ params: { action: accept ? 'accept' : 'decline' }, body: { actor, target: requester } });
  }

  async block(actor: string, target: string): Promise<void> {
    await this.safeguard.postConnectionsByAction({ params: { action: 'block' }, body: { actor, target } });
  }

  /** Messages of a conversation as `viewer` may see them (held messages only to their sender). */
  conversation(viewer: string, peer: string): ChatMessage[] {
    const all = this.messages.get(conversationOf(viewer, peer)) ?? [];
    return all.filter((m) => m.from === viewer || !this.hiddenFromRecipient(m));
  }

  /** Withheld from the recipient: held text, blocked images, images the recipient must not get. */
  hiddenFromRecipient(m: ChatMessage): boolean {
    if (m.action === 'hold_for_review' || m.action === 'block') return true;
    if (m.image) return m.image.deliveries[m.to] === 'withhold' || m.image.outcome === 'warn_before_send';
    return false;
  }

  /**
   * Sends a text message: decided first (a deny is never sent; a warning needs `acknowledged`),
   * then checked by detection.
   */
  async sendText(from: string, to: string, text: string, acknowledged: boolean, at = new Date()): Promise<{ status: 'sent' | 'refused' | 'needs-ack'; decision: Decision; message?: ChatMessage }> {
    const decision = await this.decide('message.send', from, to);
    if (decision.outcome === 'deny' || decision.outcome === 'require_guardian') {
      this.refused.push({ at: at.toISOString(), from, to, action: 'message.send', decision });
      return { status: 'refused', decision };
    }
    if (decision.outcome === 'allow_with_warning' && !acknowledged) return { status: 'needs-ack', decision };
    const conversationId = conversationOf(from, to);
    const id = `demo-${randomUUID()}`;
    const [answer] = (
      await this.safeguard.postMessages({ body: { messages: [{ idempotencyKey: id, conversationId, sender: from, recipients: [to], timestamp: at.toISOString(), text }] } })
    ).results;
    const message: ChatMessage = {
      id,
      conversationId,
      from,
      to,
      at: at.toISOString(),
      text,
      image: null,
      action: answer?.action ?? 'deliver',
      signals: [...new Set((answer?.signals ?? []).map((s) => s.type))],
    };
    this.append(message);
    return { status: 'sent', decision, message };
  }

  /** Seeds a message with a fixed idempotency key (a restart gets Safeguard's first answer again). */
  async seedText(id: string, from: string, to: string, text: string, at: Date): Promise<void> {
    const conversationId = conversationOf(from, to);
    if ((this.messages.get(conversationId) ?? []).some((m) => m.id === id)) return;
    const [answer] = (await this.safeguard.postMessages({ body: { messages: [{ idempotencyKey: id, conversationId, sender: from, recipients: [to], timestamp: at.toISOString(), text }] } })).results;
    this.append({ id, conversationId, from, to, at: at.toISOString(), text, image: null, action: answer?.action ?? 'deliver', signals: [...new Set((answer?.signals ?? []).map((s) => s.type))] });
  }

  /** Whether the connected Safeguard documents POST /v1/media (re-read every minute). */
  async imagesSupported(): Promise<boolean> {
    const now = Date.now();
    if (this.mediaSupport && now - this.mediaSupport.checkedAt < 60_000) return this.mediaSupport.supported;
    let supported = false;
    try {
      supported = await this.safeguard.supports('POST', '/v1/media');
    } catch {
      supported = false;
    }
    this.mediaSupport = { checkedAt: now, supported };
    return supported;
  }

  /**
   * Sends one of the demo pictures: decided like a message (media.send), then checked by
   * POST /v1/media. Only when the server documents that route: otherwise nothing is sent.
   */
  async sendImage(
    from: string,
    to: string,
    pictureId: string,
    options: { acknowledged: boolean; senderConfirmed?: boolean },
  ): Promise<{ status: 'sent' | 'refused' | 'needs-ack' | 'unsupported' | 'warn-before-send'; decision?: Decision; message?: ChatMessage; explanation?: string }> {
    const picture = this.pictures.find((p) => p.id === pictureId);
    if (!picture) throw new Error(`no picture ${pictureId}`);
    if (!(await this.imagesSupported())) return { status: 'unsupported' };
    const decision = await this.decide('media.send', from, to);
    if (decision.outcome === 'deny' || decision.outcome === 'require_guardian') {
      this.refused.push({ at: new Date().toISOString(), from, to, action: 'media.send', decision });
      return { status: 'refused', decision };
    }
    if (decision.outcome === 'allow_with_warning' && !options.acknowledged) return { status: 'needs-ack', decision };
    const conversationId = conversationOf(from, to);
    // The route's OpenAPI entry does not document its raw-bytes body, so the generated postMedia
    // takes no body: send through the untyped request, typed by the generated answer.
    const answer = (await this.safeguard.request('POST', '/v1/media', {
      query: { uploader: from, recipients: to, context: 'dm', conversationId, ...(options.senderConfirmed ? { senderConfirmed: 'true' } : {}) },
      body: new Uint8Array(picture.bytes),
      contentType: 'image/png',
    })) as MediaAnswer;
    const outcome = answer.outcome;
    if (outcome === 'warn_before_send') return { status: 'warn-before-send', decision, explanation: answer.explanation };
    const deliveries = deliveriesOf(answer.nudity);
    const message: ChatMessage = {
      id: `demo-${randomUUID()}`,
      conversationId,
      from,
      to,
      at: new Date().toISOString(),
      text: null,
      image: { pictureId, mediaId: answer.mediaId, outcome, explanation: answer.explanation, deliveries },
      action: outcome,
      signals: [],
    };
    this.append(message);
    return { status: 'sent', decision, message };
  }

  /** Files a user report about `reported` with the conversation so far (Coop's report shape). */
  async report(reporter: string, reported: string, reason: string, words: string): Promise<ResponseOf<'postReports'>> {
    const thread = (this.messages.get(conversationOf(reporter, reported)) ?? []).filter((m) => m.text !== null).slice(-50);
    const item = (m: ChatMessage) => ({ id: m.id, typeId: 'chat-message', data: { text: m.text ?? '', creatorId: m.from, createdAt: m.at } });
    const last = [...thread].reverse().find((m) => m.from === reported);
    return this.safeguard.postReports({
      body: {
        reporter: { kind: 'user', typeId: 'user', id: reporter },
        reportedAt: new Date().toISOString(),
        reportedForReason: { policyId: reason, ...(words ? { reason: words } : {}) },
        reportedItem: last ? item(last) : { id: reported, typeId: 'user', data: { displayName: this.nameOf(reported) } },
        ...(last ? { reportedItemThread: thread.map(item) } : {}),
      },
    });
  }

  private append(message: ChatMessage): void {
    const list = this.messages.get(message.conversationId) ?? [];
    list.push(message);
    this.messages.set(message.conversationId, list);
  }
}
