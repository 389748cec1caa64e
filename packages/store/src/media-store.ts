/**
 * Persistence for image safety: hash banks and their entries (with provenance, labels and
 * tombstones), uploaded media records (hashes and the decision taken, never the image unless the
 * tenant enables evidence bytes), evidence retention, and per-tenant media settings.
 *
 * Banks are loaded into memory as `HashBank`s (the pure matching logic); imports are applied to
 * the in-memory bank first — which validates the whole file and changes nothing on failure — and
 * the resulting additions and tombstones are then written in one transaction.
 */
import { SafeguardError } from '@safeguard/core';
import { HashBank, type BankConfig, type BankEntry, type ImportRecord, type ImportResult, type TombstoneSelector } from '@safeguard/media';
import type { SafeguardStore } from './store.js';

export interface HashBanksTable {
  tenant_id: string;
  id: string;
  config: string;
  description: string;
  next_entry_id: number;
  created_at: string;
  updated_at: string;
}

export interface HashBankEntriesTable {
  tenant_id: string;
  bank_id: string;
  entry_id: number;
  signal_type: string;
  hash: string;
  labels: string;
  provenance: string;
  quality: number | null;
  tombstoned: number;
  added_at: string;
  tombstoned_at: string | null;
}

export interface MediaItemsTable {
  tenant_id: string;
  id: string;
  uploader_id: string;
  recipients: string;
  context: string;
  hashes: string;
  sha256: string;
  outcome: string;
  decision: string;
  alert_id: string | null;
  created_at: string;
  retain_until: string | null;
  legal_hold: number;
}

export interface MediaEvidenceTable {
  tenant_id: string;
  media_id: string;
  content_type: string;
  data: string;
  retain_until: string;
}

export interface MediaSettingsTable {
  tenant_id: string;
  settings: string;
  updated_at: string;
}

declare module './schema.js' {
  interface Database {
    hash_banks: HashBanksTable;
    hash_bank_entries: HashBankEntriesTable;
    media_items: MediaItemsTable;
    media_evidence: MediaEvidenceTable;
    media_settings: MediaSettingsTable;
  }
}

export interface StoredBank {
  readonly config: BankConfig;
  readonly description: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface BankCounts {
  readonly active: number;
  readonly tombstoned: number;
  readonly bySignalType: Readonly<Record<string, number>>;
}

export interface MediaRecord {
  readonly id: string;
  readonly uploaderId: string;
  readonly recipients: readonly string[];
  readonly context: Readonly<Record<string, unknown>>;
  readonly hashes: Readonly<Record<string, unknown>>;
  readonly sha256: string;
  readonly outcome: string;
  readonly decision: Readonly<Record<string, unknown>>;
  readonly alertId: string | null;
  readonly createdAt: string;
  readonly retainUntil: string | null;
}

export interface MediaSettings {
  /** Keep the bytes of matched media as evidence (off by default: hashes and metadata only). */
  readonly preserveMatchedBytes: boolean;
  /** Nudity thresholds (probabilities); defaults from @safeguard/media when absent. */
  readonly nudityThresholds?: { porn: number; hentai: number; sexy: number; combined: number } | undefined;
  /** Run the nudity classifier on images a child sends or receives (on by default). */
  readonly nudityIntervention: boolean;
}

export const DEFAULT_MEDIA_SETTINGS: MediaSettings = Object.freeze({ preserveMatchedBytes: false, nudityIntervention: true });

const nowIso = (): string => new Date().toISOString();

const toEntry = (r: HashBankEntriesTable): BankEntry => ({
  id: Number(r.entry_id),
  signalType: r.signal_type as BankEntry['signalType'],
  hash: r.hash,
  labels: JSON.parse(r.labels) as string[],
  provenance: JSON.parse(r.provenance) as BankEntry['provenance'],
  ...(r.quality === null ? {} : { quality: Number(r.quality) }),
  tombstoned: Number(r.tombstoned) === 1,
  addedAt: r.added_at,
  ...(r.tombstoned_at ? { tombstonedAt: r.tombstoned_at } : {}),
});

const toMedia = (r: MediaItemsTable): MediaRecord => ({
  id: r.id,
  uploaderId: r.uploader_id,
  recipients: JSON.parse(r.recipients) as string[],
  context: JSON.parse(r.context) as Record<string, unknown>,
  hashes: JSON.parse(r.hashes) as Record<string, unknown>,
  sha256: r.sha256,
  outcome: r.outcome,
  decision: JSON.parse(r.decision) as Record<string, unknown>,
  alertId: r.alert_id,
  createdAt: r.created_at,
  retainUntil: r.retain_until,
});

export class MediaStore {
  constructor(private readonly store: SafeguardStore) {}

  private get db() {
    return this.store.db;
  }

  async createBank(tenantId: string, config: BankConfig, description: string): Promise<StoredBank> {
    if (await this.getBank(tenantId, config.id)) throw new SafeguardError('conflict', `Bank "${config.id}" already exists`);
    const at = nowIso();
    await this.db
      .insertInto('hash_banks')
      .values({ tenant_id: tenantId, id: config.id, config: JSON.stringify(config), description, next_entry_id: 1, created_at: at, updated_at: at })
      .execute();
    return { config, description, createdAt: at, updatedAt: at };
  }

  async getBank(tenantId: string, id: string): Promise<StoredBank | undefined> {
    const row = await this.db.selectFrom('hash_banks').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && { config: JSON.parse(row.config) as BankConfig, description: row.description, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  async listBanks(tenantId: string): Promise<StoredBank[]> {
    const rows = await this.db.selectFrom('hash_banks').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
    return rows.map((row) => ({ config: JSON.parse(row.config) as BankConfig, description: row.description, createdAt: row.created_at, updatedAt: row.updated_at }));
  }

  async updateBank(tenantId: string, config: BankConfig, description?: string): Promise<void> {
    await this.db
      .updateTable('hash_banks')
      .set({ config: JSON.stringify(config), updated_at: nowIso(), ...(description === undefined ? {} : { description }) })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', config.id)
      .execute();
  }

  async countEntries(tenantId: string, bankId: string): Promise<BankCounts> {
    const rows = await this.db
      .selectFrom('hash_bank_entries')
      .select(['signal_type', 'tombstoned', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('bank_id', '=', bankId)
      .groupBy(['signal_type', 'tombstoned'])
      .execute();
    let active = 0;
    let tombstoned = 0;
    const bySignalType: Record<string, number> = {};
    for (const r of rows) {
      const n = Number(r.n);
      if (Number(r.tombstoned) === 1) tombstoned += n;
      else {
        active += n;
        bySignalType[r.signal_type] = (bySignalType[r.signal_type] ?? 0) + n;
      }
    }
    return { active, tombstoned, bySignalType };
  }

  /** Every entry of a bank, tombstoned ones included (they keep ids stable and explain deletions). */
  async loadEntries(tenantId: string, bankId: string): Promise<BankEntry[]> {
    const out: BankEntry[] = [];
    let after = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('hash_bank_entries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('bank_id', '=', bankId)
        .where('entry_id', '>', after)
        .orderBy('entry_id')
        .limit(10_000)
        .execute();
      for (const r of rows) out.push(toEntry(r));
      const last = rows[rows.length - 1];
      if (!last || rows.length < 10_000) return out;
      after = Number(last.entry_id);
    }
  }

  async loadBank(tenantId: string, bankId: string): Promise<HashBank> {
    const stored = await this.getBank(tenantId, bankId);
    if (!stored) throw new SafeguardError('not_found', `No bank "${bankId}"`);
    return new HashBank(stored.config, { entries: await this.loadEntries(tenantId, bankId) });
  }

  /**
   * Applies records to a bank: validated in memory first (a bad file throws naming its line and
   * changes nothing), then the additions and tombstones are written.
   */
  async importRecords(tenantId: string, bankId: string, records: readonly ImportRecord[], fileName?: string): Promise<ImportResult> {
    return this.store.transaction(async (tx) => {
      const media = new MediaStore(tx);
      const bank = await media.loadBank(tenantId, bankId);
      const before = new Map(bank.entries().map((e) => [e.id, e]));
      const result = bank.import(records, fileName);
      await media.persistChanges(tenantId, bankId, before, bank.entries());
      return result;
    });
  }

  async tombstone(tenantId: string, bankId: string, selector: TombstoneSelector): Promise<number> {
    return this.store.transaction(async (tx) => {
      const media = new MediaStore(tx);
      const bank = await media.loadBank(tenantId, bankId);
      const before = new Map(bank.entries().map((e) => [e.id, e]));
      const count = bank.tombstone(selector);
      await media.persistChanges(tenantId, bankId, before, bank.entries());
      return count;
    });
  }

  private async persistChanges(tenantId: string, bankId: string, before: ReadonlyMap<number, BankEntry>, after: readonly BankEntry[]): Promise<void> {
    const added = after.filter((e) => !before.has(e.id));
    const changed = after.filter((e) => {
      const old = before.get(e.id);
      return old !== undefined && (old.tombstoned !== e.tombstoned || old.labels.length !== e.labels.length || old.labels.some((l, i) => l !== e.labels[i]));
    });
    for (let i = 0; i < added.length; i += 60) {
      await this.db
        .insertInto('hash_bank_entries')
        .values(
          added.slice(i, i + 60).map((e) => ({
            tenant_id: tenantId,
            bank_id: bankId,
            entry_id: e.id,
            signal_type: e.signalType,
            hash: e.hash,
            labels: JSON.stringify(e.labels),
            provenance: JSON.stringify(e.provenance),
            quality: e.quality ?? null,
            tombstoned: e.tombstoned ? 1 : 0,
            added_at: e.addedAt,
            tombstoned_at: e.tombstonedAt ?? null,
          })),
        )
        .execute();
    }
    for (const e of changed) {
      await this.db
        .updateTable('hash_bank_entries')
        .set({ tombstoned: e.tombstoned ? 1 : 0, tombstoned_at: e.tombstonedAt ?? null, labels: JSON.stringify(e.labels) })
        .where('tenant_id', '=', tenantId)
        .where('bank_id', '=', bankId)
        .where('entry_id', '=', e.id)
        .execute();
    }
    if (added.length > 0 || changed.length > 0) {
      await this.db.updateTable('hash_banks').set({ updated_at: nowIso() }).where('tenant_id', '=', tenantId).where('id', '=', bankId).execute();
    }
  }

  async saveMedia(tenantId: string, record: MediaRecord): Promise<void> {
    await this.db
      .insertInto('media_items')
      .values({
        tenant_id: tenantId,
        id: record.id,
        uploader_id: record.uploaderId,
        recipients: JSON.stringify(record.recipients),
        context: JSON.stringify(record.context),
        hashes: JSON.stringify(record.hashes),
        sha256: record.sha256,
        outcome: record.outcome,
        decision: JSON.stringify(record.decision),
        alert_id: record.alertId,
        created_at: record.createdAt,
        retain_until: record.retainUntil,
        legal_hold: 0,
      })
      .execute();
  }

  async getMedia(tenantId: string, id: string): Promise<MediaRecord | undefined> {
    const row = await this.db.selectFrom('media_items').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toMedia(row);
  }

  async *mediaBetween(tenantId: string, from: string, to: string): AsyncGenerator<MediaRecord> {
    let after = { at: from, id: '' };
    for (;;) {
      const rows = await this.db
        .selectFrom('media_items')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('created_at', '>', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '>', after.id)])]))
        .where('created_at', '<', to)
        .orderBy('created_at')
        .orderBy('id')
        .limit(2000)
        .execute();
      for (const r of rows) yield toMedia(r);
      const last = rows[rows.length - 1];
      if (!last || rows.length < 2000) return;
      after = { at: last.created_at, id: last.id };
    }
  }

  async saveEvidence(tenantId: string, mediaId: string, contentType: string, bytes: Uint8Array, retainUntil: string): Promise<void> {
    await this.db
      .insertInto('media_evidence')
      .values({ tenant_id: tenantId, media_id: mediaId, content_type: contentType, data: Buffer.from(bytes).toString('base64'), retain_until: retainUntil })
      .execute();
  }

  async getEvidence(tenantId: string, mediaId: string): Promise<{ contentType: string; bytes: Buffer } | undefined> {
    const row = await this.db.selectFrom('media_evidence').selectAll().where('tenant_id', '=', tenantId).where('media_id', '=', mediaId).executeTakeFirst();
    return row && { contentType: row.content_type, bytes: Buffer.from(row.data, 'base64') };
  }

  /** Deletes evidence bytes past retention, except under legal hold. Returns how many went. */
  async purgeExpiredEvidence(tenantId: string, now: string): Promise<number> {
    const result = await this.db
      .deleteFrom('media_evidence')
      .where('tenant_id', '=', tenantId)
      .where('retain_until', '<', now)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('media_items')
              .select('media_items.id')
              .whereRef('media_items.tenant_id', '=', 'media_evidence.tenant_id')
              .whereRef('media_items.id', '=', 'media_evidence.media_id')
              .where('media_items.legal_hold', '=', 1),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async setLegalHold(tenantId: string, mediaId: string, hold: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('media_items')
      .set({ legal_hold: hold ? 1 : 0 })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', mediaId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async getSettings(tenantId: string): Promise<MediaSettings> {
    const row = await this.db.selectFrom('media_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? { ...DEFAULT_MEDIA_SETTINGS, ...(JSON.parse(row.settings) as Partial<MediaSettings>) } : DEFAULT_MEDIA_SETTINGS;
  }

  async setSettings(tenantId: string, settings: MediaSettings): Promise<void> {
    const row = { settings: JSON.stringify(settings), updated_at: nowIso() };
    await this.db
      .insertInto('media_settings')
      .values({ tenant_id: tenantId, ...row })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(row))
      .execute();
  }
}
