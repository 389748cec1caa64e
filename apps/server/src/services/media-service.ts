/**
 * Image safety for uploads (issue 4): hash (PDQ, MD5, SHA-256), match against the tenant's hash
 * banks (allow-lists suppress), decide block / hold_for_review, and — when a child sends or
 * receives the image — run the nudity classifier (worker threads, bounded queue) and apply the
 * intervention: warn a child before sending, never deliver a child's flagged image to an adult,
 * deliver flagged images to children blurred. Matches and nudity alerts raise alerts that open
 * cases; matched media is preserved as evidence for a year (hashes and metadata; bytes only when
 * the tenant enables it).
 */
import { randomUUID } from 'node:crypto';
import { SafeguardError, type Clock } from '@safeguard/core';
import {
  DEFAULT_NUDITY_INTERVENTION,
  assessNudity,
  decideMatch,
  decideNudityIntervention,
  matchBanks,
  type BankMatch,
  type HashBank,
  type NudityInterventionDecision,
  type NudityScores,
} from '@safeguard/media';
import { NudityClassifierPool, hashImage, signalsOf, type ImageHashes } from '@safeguard/media-node';
import { DetectionStore, MediaStore, type AlertRecord, type SafeguardStore } from '@safeguard/store';
import type { AlertHook } from './ingest-service.js';
import type { PolicyService } from './policy-service.js';
import { TtlCache } from './ttl-cache.js';

/** US REPORT Act: preserve reported material for one year. */
export const EVIDENCE_RETENTION_MS = 365 * 86_400_000;

export interface MediaUpload {
  readonly uploader: string;
  readonly recipients: readonly string[];
  readonly context: Readonly<Record<string, string>>;
  readonly bytes: Uint8Array;
  readonly contentType: string;
  /** A child who was warned chose to send anyway. */
  readonly senderConfirmed: boolean;
}

export type MediaOutcome = 'block' | 'hold_for_review' | 'warn_before_send' | 'deliver';

export interface MediaResult {
  readonly mediaId: string;
  readonly hashes: { pdq: string; quality: number; dihedral: readonly string[]; md5: string; sha256: string; width: number; height: number; format: string };
  readonly matches: readonly { bank: string; signalType: string; hash: string; distance: number; transform: string; labels: readonly string[] }[];
  readonly suppressed: number;
  readonly outcome: MediaOutcome;
  readonly ruleIds: readonly string[];
  readonly explanation: string;
  readonly nudity: (Omit<NudityInterventionDecision, 'alerts' | 'ruleIds' | 'explanation'> & { scores: NudityScores }) | null;
  readonly alertIds: readonly string[];
}

export class MediaService {
  private readonly banks = new TtlCache<string, HashBank[]>(10_000, 60_000);
  private pool: Promise<NudityClassifierPool> | undefined;

  constructor(
    private readonly store: SafeguardStore,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
    private readonly hooks: readonly AlertHook[] = [],
    private readonly classifierWorkers = 1,
  ) {}

  invalidateBanks(tenantId: string): void {
    this.banks.delete(tenantId);
  }

  async banksFor(tenantId: string): Promise<HashBank[]> {
    const cached = this.banks.get(tenantId);
    if (cached) return cached;
    const media = new MediaStore(this.store);
    const loaded: HashBank[] = [];
    for (const b of await media.listBanks(tenantId)) loaded.push(await media.loadBank(tenantId, b.config.id));
    this.banks.set(tenantId, loaded);
    return loaded;
  }

  /** The classifier pool, started on first use (loading the bundled model takes a moment). */
  classifier(): Promise<NudityClassifierPool> {
    this.pool ??= NudityClassifierPool.create({ workers: this.classifierWorkers }).catch((error: unknown) => {
      this.pool = undefined;
      throw error;
    });
    return this.pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool.catch(() => undefined))?.close();
  }

  async process(tenantId: string, upload: MediaUpload): Promise<MediaResult> {
    const hashes: ImageHashes = await hashImage(upload.bytes);
    const banks = await this.banksFor(tenantId);
    const report = matchBanks(banks, signalsOf(hashes));
    const match = decideMatch(report, banks);
    const settings = await new MediaStore(this.store).getSettings(tenantId);
    const accounts = await this.policy.resolveAccounts(tenantId, [upload.uploader, ...upload.recipients]);
    const bandOf = (id: string) => accounts.get(id)?.band ?? 'unknown';
    const isProtected = (id: string): boolean => accounts.get(id)?.child !== false;

    let outcome: MediaOutcome = match.outcome === 'allow' ? 'deliver' : match.outcome;
    let ruleIds: readonly string[] = match.ruleIds;
    let explanation = match.explanation;
    let nudity: MediaResult['nudity'] = null;
    let nudityAlerts: readonly string[] = [];
    if (match.outcome === 'allow' && settings.nudityIntervention && [upload.uploader, ...upload.recipients].some(isProtected)) {
      const pool = await this.classifier();
      const { scores } = await pool.classify(upload.bytes);
      const assessment = assessNudity(scores, settings.nudityThresholds ?? DEFAULT_NUDITY_INTERVENTION.thresholds);
      const decision = decideNudityIntervention(
        {
          sender: { id: upload.uploader, ageBand: bandOf(upload.uploader) },
          recipients: upload.recipients.map((id) => ({ id, ageBand: bandOf(id) })),
          assessment,
          senderConfirmed: upload.senderConfirmed,
        },
        { ...DEFAULT_NUDITY_INTERVENTION, ...(settings.nudityThresholds ? { thresholds: settings.nudityThresholds } : {}) },
      );
      const { alerts, ruleIds: nudityRules, explanation: nudityExplanation, ...rest } = decision;
      nudity = { ...rest, scores };
      nudityAlerts = alerts;
      if (decision.flagged) {
        outcome = decision.senderPrompt === 'warn_before_send' ? 'warn_before_send' : 'deliver';
        ruleIds = nudityRules;
        explanation = nudityExplanation;
      }
    }

    const mediaId = `md_${randomUUID()}`;
    const now = this.clock.now();
    const createdAt = now.toISOString();
    const matched = match.outcome !== 'allow';
    const retainUntil = matched || nudityAlerts.length > 0 ? new Date(now.getTime() + EVIDENCE_RETENTION_MS).toISOString() : null;
    const presentMatch = (m: BankMatch) => ({ bank: m.bankId, signalType: m.signalType, hash: m.hash, distance: m.distance, transform: m.transform, labels: [...m.labels] });
    const alertIds: string[] = [];

    await this.store.transaction(async (tx) => {
      const detection = new DetectionStore(tx);
      const alerts: AlertRecord[] = [];
      if (matched) {
        alerts.push({
          id: `al_${randomUUID()}`,
          kind: 'hash-match',
          dedupeKey: `hash-match:${mediaId}`,
          accountId: upload.uploader,
          conversationId: upload.context.conversationId ?? null,
          messageIndex: null,
          score: 1,
          signals: [],
          details: { mediaId, outcome: match.outcome, matches: match.decisive.map(presentMatch) },
          status: 'open',
          caseId: null,
          raisedAt: createdAt,
        });
      }
      for (const kind of nudityAlerts) {
        alerts.push({
          id: `al_${randomUUID()}`,
          kind: 'nudity',
          dedupeKey: `nudity:${mediaId}:${kind}`,
          accountId: upload.uploader,
          conversationId: upload.context.conversationId ?? null,
          messageIndex: null,
          score: nudity ? Math.min(1, nudity.scores.porn + nudity.scores.hentai + nudity.scores.sexy) : 1,
          signals: [],
          details: { mediaId, summary: kind, recipients: upload.recipients },
          status: 'open',
          caseId: null,
          raisedAt: createdAt,
        });
      }
      for (const alert of alerts) {
        const { alert: saved, created } = await detection.raiseAlert(tenantId, alert);
        alertIds.push(saved.id);
        if (created) for (const hook of this.hooks) await hook(tx, tenantId, saved);
      }
      const media = new MediaStore(tx);
      await media.saveMedia(tenantId, {
        id: mediaId,
        uploaderId: upload.uploader,
        recipients: upload.recipients,
        context: upload.context,
        hashes: { pdq: hashes.pdq, quality: hashes.quality, md5: hashes.md5, sha256: hashes.sha256, width: hashes.width, height: hashes.height, format: hashes.format, bytes: hashes.bytes },
        sha256: hashes.sha256,
        outcome,
        decision: { ruleIds, explanation, matches: report.matches.map(presentMatch), nudity: nudity && { flagged: nudity.flagged, deliveries: nudity.deliveries } },
        alertId: alertIds[0] ?? null,
        createdAt,
        retainUntil,
      });
      if (retainUntil && settings.preserveMatchedBytes) await media.saveEvidence(tenantId, mediaId, upload.contentType, upload.bytes, retainUntil);
    });

    return {
      mediaId,
      hashes: {
        pdq: hashes.pdq,
        quality: hashes.quality,
        dihedral: hashes.dihedral,
        md5: hashes.md5,
        sha256: hashes.sha256,
        width: hashes.width,
        height: hashes.height,
        format: hashes.format,
      },
      matches: report.matches.map(presentMatch),
      suppressed: report.suppressed.length,
      outcome,
      ruleIds,
      explanation,
      nudity,
      alertIds,
    };
  }

  /** Refuses nothing itself; a helper for routes that need a bank to exist. */
  async requireBank(tenantId: string, bankId: string): Promise<void> {
    if (!(await new MediaStore(this.store).getBank(tenantId, bankId))) throw new SafeguardError('not_found', `No bank "${bankId}"`);
  }
}
