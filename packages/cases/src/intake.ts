/**
 * Intake: turning a report in the shape of ROOST Coop's Report API (`reporter`, `reportedAt`,
 * `reportedForReason`, `reportedItem`, `reportedItemThread`, `reportedItemsInThread`,
 * `additionalItems`; INTEROP.md §1.3) into what a case needs: who reported (and as what), which
 * account the report is about, why, and the surrounding messages to keep as evidence.
 *
 * Coop identifies item types by ids from its own dashboard; Safeguard has no item-type registry,
 * so an item's kind comes from an explicit `kind` (`USER`, `CONTENT`, `THREAD`) when the platform
 * sends one, else from its type id (`message`, `post`, `comment`, `image`, … → CONTENT; `user`,
 * `account`, `profile` → USER; `thread`, `conversation`, `chat`, `group` → THREAD; anything else →
 * CONTENT). A content item's author is read from the
 * usual field names of Coop's `creatorId` role. Extra keys are ignored and `null` members are
 * tolerated, as Coop does, so a platform integrated with Coop can switch without changing payloads.
 */
import { SafeguardError } from '@safeguard/core';
import { reasonFor, reasonOrOther, type ReportReason } from './taxonomy.js';

export type ItemKind = 'USER' | 'CONTENT' | 'THREAD';

export interface IntakeItem {
  readonly id: string;
  readonly typeId?: string | null | undefined;
  readonly type?: { readonly id: string; readonly version?: string | null | undefined } | null | undefined;
  /** Safeguard extension: the item's kind when its type id does not say. */
  readonly kind?: ItemKind | null | undefined;
  readonly data: Readonly<Record<string, unknown>>;
}

export type ReporterKind = 'user' | 'trusted-flagger' | 'authority';

export interface AuthorityOrder {
  /** Issuing authority (an organisation, never a person's name). */
  readonly authority: string;
  readonly reference: string;
  /** ISO 3166-1 alpha-2 of the issuing Member State, for EU orders. */
  readonly memberState?: string | null | undefined;
  /** DSA article the order is made under (9: act against content). */
  readonly article?: number | null | undefined;
}

export interface IntakeReport {
  readonly reporter?: {
    readonly kind?: ReporterKind | null | undefined;
    readonly id?: string | null | undefined;
    readonly typeId?: string | null | undefined;
    /** Trusted flagger or authority name (an organisation). */
    readonly name?: string | null | undefined;
    readonly order?: AuthorityOrder | null | undefined;
  } | null | undefined;
  readonly reportedAt?: string | null | undefined;
  readonly reportedForReason?: {
    readonly policyId?: string | null | undefined;
    readonly reason?: string | null | undefined;
    readonly csam?: boolean | null | undefined;
  } | null | undefined;
  readonly reportedItem: IntakeItem;
  readonly reportedItemThread?: readonly IntakeItem[] | null | undefined;
  readonly reportedItemsInThread?: readonly { readonly id: string; readonly typeId?: string | null | undefined }[] | null | undefined;
  readonly additionalItems?: readonly IntakeItem[] | null | undefined;
}

export interface NormalizedItem {
  readonly id: string;
  readonly typeId: string;
  readonly kind: ItemKind;
  readonly creatorId: string | null;
  readonly text: string | null;
  readonly media: readonly string[];
  readonly createdAt: string | null;
  readonly threadId: string | null;
  /** Position in the reported thread (ordered by creation time), or null outside it. */
  readonly index: number | null;
  /** The reporter pointed at this item (the reported item, or one listed in reportedItemsInThread). */
  readonly flagged: boolean;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface NormalizedReport {
  readonly reporter: {
    readonly kind: ReporterKind;
    readonly id: string | null;
    readonly typeId: string | null;
    readonly name: string | null;
    readonly order: AuthorityOrder | null;
  };
  readonly reportedAt: string | null;
  readonly reason: ReportReason;
  /** The reporter's own words (may be personal data: kept with the evidence, never in audit or SoR). */
  readonly reasonText: string | null;
  readonly csamFlag: boolean;
  /** The account the report is about: the reported user, or the author of the reported content. */
  readonly subjectAccountId: string;
  readonly reportedItem: NormalizedItem;
  readonly thread: readonly NormalizedItem[];
  readonly additional: readonly NormalizedItem[];
  /** Things accepted but worth telling the sender (an unknown reason code filed as 'other'). */
  readonly warnings: readonly string[];
}

export const MAX_THREAD_ITEMS = 200;
export const MAX_ADDITIONAL_ITEMS = 50;

const CONTENT_TYPE = /(message|post|comment|reply|photo|image|video|media|content|story|reel|clip|stream)/i;
const USER_TYPE = /(^|[^a-z])(user|users|account|accounts|profile|profiles|member|person)([^a-z]|$)/i;
const THREAD_TYPE = /(^|[^a-z])(thread|threads|conversation|conversations|chat|chats|group|groups|channel|channels)([^a-z]|$)/i;

export function itemTypeId(item: IntakeItem): string {
  return item.typeId ?? item.type?.id ?? '';
}

export function itemKind(item: IntakeItem): ItemKind {
  if (item.kind) return item.kind;
  const typeId = itemTypeId(item);
  if (CONTENT_TYPE.test(typeId)) return 'CONTENT';
  if (USER_TYPE.test(typeId)) return 'USER';
  if (THREAD_TYPE.test(typeId)) return 'THREAD';
  return 'CONTENT';
}

function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'object' && value !== null) {
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string' && id.length > 0) return id;
  }
  return null;
}

function firstOf(data: Readonly<Record<string, unknown>>, names: readonly string[], pick: (v: unknown) => string | null): string | null {
  for (const name of names) {
    const value = pick(data[name]);
    if (value !== null) return value;
  }
  return null;
}

const CREATOR_FIELDS = ['creatorId', 'creator_id', 'creator', 'authorId', 'author_id', 'author', 'userId', 'user_id', 'senderId', 'sender_id', 'from'];
const TEXT_FIELDS = ['text', 'body', 'content', 'message', 'caption', 'title', 'description'];
const TIME_FIELDS = ['createdAt', 'created_at', 'sentAt', 'sent_at', 'timestamp', 'time'];
const THREAD_FIELDS = ['threadId', 'thread_id', 'conversationId', 'conversation_id', 'parentId', 'parent_id'];
const MEDIA_FIELDS = ['images', 'videos', 'media', 'imageUrls', 'videoUrls', 'attachments'];

const asText = (v: unknown): string | null => (typeof v === 'string' && v.trim().length > 0 ? v : null);
const asTime = (v: unknown): string | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v > 1e12 ? v : v * 1000).toISOString();
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

function mediaOf(data: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const name of MEDIA_FIELDS) {
    const value = data[name];
    const list = Array.isArray(value) ? (value as unknown[]) : typeof value === 'string' ? [value] : [];
    for (const entry of list) {
      const url = typeof entry === 'string' ? asText(entry) : asText((entry as { url?: unknown } | null)?.url);
      if (url) out.push(url);
    }
  }
  for (const name of ['imageUrl', 'videoUrl', 'mediaUrl', 'image', 'video']) {
    const url = asText(data[name]);
    if (url) out.push(url);
  }
  return [...new Set(out)];
}

export function normalizeItem(item: IntakeItem, extra: { index: number | null; flagged: boolean }): NormalizedItem {
  const kind = itemKind(item);
  return {
    id: item.id,
    typeId: itemTypeId(item),
    kind,
    creatorId: kind === 'USER' ? item.id : firstOf(item.data, CREATOR_FIELDS, idOf),
    text: firstOf(item.data, TEXT_FIELDS, asText),
    media: mediaOf(item.data),
    createdAt: firstOf(item.data, TIME_FIELDS, asTime),
    threadId: firstOf(item.data, THREAD_FIELDS, idOf),
    index: extra.index,
    flagged: extra.flagged,
    data: item.data,
  };
}

const invalid = (message: string, field: string): SafeguardError => new SafeguardError('validation_failed', message, { field });

/**
 * Validates and normalises a Coop-shaped report. `aliases` maps a platform's own policy ids (for
 * example its Coop policy ids) to Safeguard reason codes.
 */
export function normalizeReport(report: IntakeReport, aliases: Readonly<Record<string, string>> = {}): NormalizedReport {
  const warnings: string[] = [];
  const reporterKind: ReporterKind = report.reporter?.kind ?? 'user';
  const order = report.reporter?.order ?? null;
  if (reporterKind === 'authority' && !order) {
    throw invalid('A report from an authority must carry reporter.order (authority and reference)', 'reporter.order');
  }
  if (reporterKind !== 'authority' && order) {
    throw invalid('reporter.order is only for reports from an authority (reporter.kind "authority")', 'reporter.order');
  }
  if (reporterKind === 'user' && !report.reporter?.id) {
    throw invalid('A user report needs reporter.id (the platform account of the person reporting)', 'reporter.id');
  }
  if (reporterKind === 'trusted-flagger' && !report.reporter?.name && !report.reporter?.id) {
    throw invalid('A trusted-flagger notice needs reporter.name or reporter.id', 'reporter.name');
  }
  let reportedAt: string | null = null;
  if (report.reportedAt !== undefined && report.reportedAt !== null) {
    reportedAt = asTime(report.reportedAt);
    if (reportedAt === null) throw invalid('Invalid reportedAt time: expected an ISO 8601 date-time', 'reportedAt');
  }

  const policyId = report.reportedForReason?.policyId ?? null;
  const csamFlag = report.reportedForReason?.csam === true;
  let reason: ReportReason;
  if (policyId !== null) {
    const known = reasonFor(aliases[policyId] ?? policyId);
    if (known) reason = known;
    else {
      reason = reasonOrOther(csamFlag ? 'csam' : 'other');
      warnings.push(`reportedForReason.policyId "${policyId}" is not a known reason; filed as "${reason.code}"`);
    }
  } else {
    reason = reasonOrOther(csamFlag ? 'csam' : 'other');
  }

  const reportedKind = itemKind(report.reportedItem);
  const thread = report.reportedItemThread ?? [];
  const additional = report.additionalItems ?? [];
  if (thread.length > MAX_THREAD_ITEMS) {
    throw new SafeguardError(
      'payload_too_large',
      `reportedItemThread has ${thread.length} items; the limit is ${MAX_THREAD_ITEMS}: send the ${MAX_THREAD_ITEMS} messages nearest the reported item`,
      { field: 'reportedItemThread', limit: MAX_THREAD_ITEMS, received: thread.length },
    );
  }
  if (additional.length > MAX_ADDITIONAL_ITEMS) {
    throw new SafeguardError('payload_too_large', `additionalItems has ${additional.length} items; the limit is ${MAX_ADDITIONAL_ITEMS}`, {
      field: 'additionalItems',
      limit: MAX_ADDITIONAL_ITEMS,
      received: additional.length,
    });
  }
  if (reportedKind === 'THREAD' && additional.length > 0) {
    throw invalid('additionalItems are not allowed when reportedItem is a thread', 'additionalItems');
  }
  thread.forEach((item, i) => {
    if (itemKind(item) !== 'CONTENT') throw invalid(`reportedItemThread[${i}] must be a content item, not a ${itemKind(item).toLowerCase()}`, `reportedItemThread.${i}`);
  });

  const flaggedIds = new Set((report.reportedItemsInThread ?? []).map((r) => r.id));
  flaggedIds.add(report.reportedItem.id);
  // Thread order: by creation time where every item has one, else as sent.
  const normalizedThread = thread.map((item) => normalizeItem(item, { index: null, flagged: flaggedIds.has(item.id) }));
  const timed = normalizedThread.every((m) => m.createdAt !== null);
  const ordered = timed
    ? normalizedThread.map((m, i) => ({ m, i })).sort((a, b) => (a.m.createdAt as string).localeCompare(b.m.createdAt as string) || a.i - b.i).map((x) => x.m)
    : normalizedThread;
  const indexed = ordered.map((m, index) => ({ ...m, index }));

  const reportedItem = normalizeItem(report.reportedItem, {
    index: indexed.find((m) => m.id === report.reportedItem.id)?.index ?? null,
    flagged: true,
  });
  let subject: string | null;
  if (reportedKind === 'USER') subject = reportedItem.id;
  else if (reportedKind === 'CONTENT') subject = reportedItem.creatorId;
  else subject = firstOf(report.reportedItem.data, CREATOR_FIELDS, idOf) ?? indexed.find((m) => m.flagged && m.creatorId)?.creatorId ?? null;
  if (!subject) {
    throw invalid(
      'Cannot tell which account this report is about: report a user item, or give the content item\'s author as data.creatorId',
      'reportedItem.data.creatorId',
    );
  }
  return {
    reporter: {
      kind: reporterKind,
      id: report.reporter?.id ?? null,
      typeId: report.reporter?.typeId ?? null,
      name: report.reporter?.name ?? null,
      order,
    },
    reportedAt,
    reason,
    reasonText: report.reportedForReason?.reason ?? null,
    csamFlag,
    subjectAccountId: subject,
    reportedItem,
    thread: indexed,
    additional: additional.map((item) => normalizeItem(item, { index: null, flagged: false })),
    warnings,
  };
}
