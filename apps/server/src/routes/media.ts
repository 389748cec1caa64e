/**
 * Image safety (issue 4): POST /v1/media (raw bytes or multipart) hashes, matches and decides; hash
 * banks are created, imported (plain hex, CSV, and the formats Meta's HMA, ThreatExchange and NCMEC
 * export), exported, tombstoned and tuned here. A failed import changes nothing and names the line.
 */
import fastifyMultipart from '@fastify/multipart';
import { z } from 'zod';
import { SafeguardError } from '@safeguard/core';
import { BANK_EXPORT_FORMATS, BANK_FILE_FORMATS, bankConfig, parseBankFile, type BankConfigInput } from '@safeguard/media';
import { DEFAULT_MAX_BYTES } from '@safeguard/media-node';
import { MediaStore } from '@safeguard/store';
import { principalOf } from '../app.js';
import { audit } from '../services/audit-service.js';
import { AccountId, errorResponses } from '../schemas.js';
import type { ZodApp } from './types.js';

const BankId = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/, 'bank ids use 1-100 letters, digits, _ and -');
/** Bank files up to 50 MiB per import call (split bigger lists, or use `safeguard match` offline). */
const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

const BankConfigBody = z.strictObject({
  action: z.enum(['block', 'review', 'allow']).describe('allow = a negative (allow-list) bank that suppresses matches'),
  enabled: z.boolean().optional(),
  pdqThreshold: z.number().int().min(0).max(128).optional().describe('Match when Hamming distance ≤ this (default 31)'),
  pdqBlockDistance: z.number().int().min(0).max(128).optional().describe('In a block bank, PDQ matches farther than this are held for review'),
  qualityFloor: z.number().int().min(0).max(100).optional().describe('PDQ quality below which hashes are neither imported nor matched (default 50)'),
  matchTransforms: z.boolean().optional().describe('Also match rotated and flipped copies (dihedral hashes)'),
  signalTypes: z.array(z.enum(['pdq', 'md5', 'sha256', 'video_md5', 'video_sha256'])).min(1).optional(),
  description: z.string().max(500).optional(),
});

const BankView = z.object({
  id: z.string(),
  action: z.string(),
  enabled: z.boolean(),
  pdqThreshold: z.number(),
  pdqBlockDistance: z.number(),
  qualityFloor: z.number(),
  matchTransforms: z.boolean(),
  signalTypes: z.array(z.string()),
  description: z.string(),
  entries: z.object({ active: z.number(), tombstoned: z.number(), bySignalType: z.record(z.string(), z.number()) }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const UploadQuery = z.strictObject({
  uploader: AccountId.optional(),
  recipients: z.string().max(20_000).optional().describe('Comma-separated account ids'),
  context: z.string().max(64).optional().describe('Where it is shared: dm, group, post, profile, …'),
  conversationId: z.string().max(200).optional(),
  senderConfirmed: z.enum(['true', 'false']).optional().describe('A warned child chose to send anyway'),
});

const MediaResultView = z.object({
  mediaId: z.string(),
  hashes: z.object({
    pdq: z.string(),
    quality: z.number(),
    dihedral: z.array(z.string()).readonly(),
    md5: z.string(),
    sha256: z.string(),
    width: z.number(),
    height: z.number(),
    format: z.string(),
  }),
  matches: z.array(z.object({ bank: z.string(), signalType: z.string(), hash: z.string(), distance: z.number(), transform: z.string(), labels: z.array(z.string()).readonly() })).readonly(),
  suppressed: z.number(),
  outcome: z.enum(['block', 'hold_for_review', 'warn_before_send', 'deliver']),
  ruleIds: z.array(z.string()).readonly(),
  explanation: z.string(),
  nudity: z.unknown().describe('Classifier scores and per-recipient deliveries (deliver, deliver_blurred, withhold) when a child is involved'),
  alertIds: z.array(z.string()).readonly(),
});

export function mediaRoutes(app: ZodApp): void {
  const { store, media } = app.services;
  void app.register(fastifyMultipart, { limits: { fileSize: DEFAULT_MAX_BYTES, files: 1, fields: 10, fieldSize: 20_000 } });
  // Raw image bytes: application/octet-stream or any image/* type.
  for (const type of ['application/octet-stream', /^image\/[a-z0-9.+-]+$/i]) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: DEFAULT_MAX_BYTES + 1 }, (_req, body, done) => {
      done(null, body);
    });
  }

  app.post(
    '/v1/media',
    {
      config: { permission: 'media:create' },
      bodyLimit: DEFAULT_MAX_BYTES + 1024 * 1024,
      schema: {
        tags: ['media'],
        summary: 'Check an image: hashes, hash-bank matches and the decision',
        description:
          'Send the bytes as application/octet-stream or image/* with uploader and recipients in the query, or as multipart/form-data (fields uploader, recipients, context, conversationId, senderConfirmed; one file). Outcomes: block (a blocking bank matched), hold_for_review, warn_before_send (a child is about to send an image the classifier flags: show the support resources; resend with senderConfirmed=true), deliver (with nudity.deliveries per recipient: deliver, deliver_blurred or withhold). Limits: 25 MiB, 50 megapixels.',
        querystring: UploadQuery,
        consumes: ['application/octet-stream', 'image/jpeg', 'image/png', 'image/webp', 'multipart/form-data'],
        response: { 200: MediaResultView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(request.query)) if (typeof v === 'string') fields[k] = v;
      let bytes: Uint8Array;
      let contentType = request.headers['content-type'] ?? 'application/octet-stream';
      if (request.isMultipart()) {
        let file: Buffer | undefined;
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (file) throw new SafeguardError('validation_failed', 'Send exactly one file');
            file = await part.toBuffer();
            contentType = part.mimetype;
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
        if (!file) throw new SafeguardError('validation_failed', 'The multipart body has no file');
        bytes = file;
      } else {
        if (!Buffer.isBuffer(request.body)) {
          throw new SafeguardError('unsupported_media_type', 'Send the image as application/octet-stream, image/*, or multipart/form-data');
        }
        bytes = request.body;
      }
      const parsed = UploadQuery.safeParse(fields);
      if (!parsed.success) throw new SafeguardError('validation_failed', `Invalid upload fields: ${parsed.error.issues[0]?.message ?? ''}`);
      const { uploader, recipients, context, conversationId, senderConfirmed } = parsed.data;
      if (!uploader) throw new SafeguardError('validation_failed', 'uploader is required (query parameter or form field)');
      const recipientIds = (recipients ?? '').split(',').map((r) => r.trim()).filter((r) => r.length > 0);
      for (const r of recipientIds) {
        if (!AccountId.safeParse(r).success) throw new SafeguardError('validation_failed', `Invalid recipient id "${r.slice(0, 50)}"`);
      }
      if (recipientIds.length > 500) throw new SafeguardError('validation_failed', 'At most 500 recipients');
      return media.process(principal.tenantId, {
        uploader,
        recipients: recipientIds,
        context: { ...(context ? { context } : {}), ...(conversationId ? { conversationId } : {}) },
        bytes,
        contentType,
        senderConfirmed: senderConfirmed === 'true',
      });
    },
  );

  app.get(
    '/v1/media/:mediaId',
    {
      config: { permission: 'media:read' },
      schema: {
        tags: ['media'],
        summary: 'A checked image: its hashes and the decision taken (never the image)',
        params: z.strictObject({ mediaId: z.string().min(1).max(100) }),
        response: { 200: z.record(z.string(), z.unknown()), ...errorResponses },
      },
    },
    async (request) => {
      const record = await new MediaStore(store).getMedia(principalOf(request).tenantId, request.params.mediaId);
      if (!record) throw new SafeguardError('not_found', `No media "${request.params.mediaId}"`);
      return { ...record };
    },
  );

  app.get(
    '/v1/media/:mediaId/evidence',
    {
      config: { permission: 'media:evidence' },
      schema: {
        tags: ['media'],
        summary: 'The preserved bytes of matched media (only when the tenant enabled preservation; audited)',
        params: z.strictObject({ mediaId: z.string().min(1).max(100) }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const evidence = await new MediaStore(store).getEvidence(principal.tenantId, request.params.mediaId);
      if (!evidence) throw new SafeguardError('not_found', 'No preserved bytes for this media (preservation off, or past retention)');
      await audit(store, principal, { action: 'media.evidence-view', target: request.params.mediaId });
      return reply.type(evidence.contentType).header('cache-control', 'no-store').send(evidence.bytes);
    },
  );

  app.get(
    '/v1/media-settings',
    {
      config: { permission: 'media:read' },
      schema: { tags: ['media'], summary: 'Media settings: evidence preservation and nudity intervention', response: { 200: z.record(z.string(), z.unknown()), ...errorResponses } },
    },
    async (request) => ({ ...(await new MediaStore(store).getSettings(principalOf(request).tenantId)) }),
  );

  app.put(
    '/v1/media-settings',
    {
      config: { permission: 'banks:manage' },
      schema: {
        tags: ['media'],
        summary: 'Set media settings (audited)',
        body: z.strictObject({
          preserveMatchedBytes: z.boolean(),
          nudityIntervention: z.boolean(),
          nudityThresholds: z
            .strictObject({ porn: z.number().gt(0).max(1), hentai: z.number().gt(0).max(1), sexy: z.number().gt(0).max(1), combined: z.number().gt(0).max(1) })
            .describe('Probabilities in (0, 1]: lower blurs more (more benign images too)')
            .optional(),
        }),
        response: { 200: z.record(z.string(), z.unknown()), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await store.transaction(async (tx) => {
        await new MediaStore(tx).setSettings(principal.tenantId, request.body);
        await audit(tx, principal, { action: 'media.settings', target: principal.tenantId, details: { ...request.body } });
      });
      return { ...request.body };
    },
  );

  async function bankView(tenantId: string, id: string): Promise<z.infer<typeof BankView>> {
    const m = new MediaStore(store);
    const bank = await m.getBank(tenantId, id);
    if (!bank) throw new SafeguardError('not_found', `No bank "${id}"`);
    return { ...bank.config, signalTypes: [...bank.config.signalTypes], description: bank.description, entries: await m.countEntries(tenantId, id), createdAt: bank.createdAt, updatedAt: bank.updatedAt };
  }

  app.get(
    '/v1/banks',
    {
      config: { permission: 'banks:read' },
      schema: { tags: ['banks'], summary: "The tenant's hash banks", response: { 200: z.object({ banks: z.array(BankView) }), ...errorResponses } },
    },
    async (request) => {
      const tenantId = principalOf(request).tenantId;
      const banks = await new MediaStore(store).listBanks(tenantId);
      return { banks: await Promise.all(banks.map((b) => bankView(tenantId, b.config.id))) };
    },
  );

  app.put(
    '/v1/banks/:bankId',
    {
      config: { permission: 'banks:manage' },
      schema: {
        tags: ['banks'],
        summary: 'Create a hash bank, or change its configuration (enable/disable, thresholds)',
        params: z.strictObject({ bankId: BankId }),
        body: BankConfigBody,
        response: { 200: BankView, 201: BankView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { bankId } = request.params;
      const { description, ...config } = request.body;
      const m = new MediaStore(store);
      const existing = await m.getBank(principal.tenantId, bankId);
      // Fields left out keep their current value (or the default for a new bank).
      const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as unknown as Omit<BankConfigInput, 'id'>;
      const merged = bankConfig({ ...(existing?.config ?? {}), ...given, id: bankId });
      await store.transaction(async (tx) => {
        const mt = new MediaStore(tx);
        if (existing) await mt.updateBank(principal.tenantId, merged, description);
        else await mt.createBank(principal.tenantId, merged, description ?? '');
        await audit(tx, principal, { action: existing ? 'bank.update' : 'bank.create', target: bankId, details: { config: merged } });
      });
      media.invalidateBanks(principal.tenantId);
      return reply.status(existing ? 200 : 201).send(await bankView(principal.tenantId, bankId));
    },
  );

  app.get(
    '/v1/banks/:bankId',
    {
      config: { permission: 'banks:read' },
      schema: { tags: ['banks'], summary: 'One bank with its entry counts', params: z.strictObject({ bankId: BankId }), response: { 200: BankView, ...errorResponses } },
    },
    async (request) => bankView(principalOf(request).tenantId, request.params.bankId),
  );

  app.post(
    '/v1/banks/:bankId/import',
    {
      config: { permission: 'banks:manage' },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['banks'],
        summary: 'Import hashes: plain hex per line, CSV (hash,label,source), HMA / ThreatExchange exports, NCMEC XML',
        description: 'The whole file is validated first: a malformed file is refused naming its line, and changes nothing. Tombstones in the file (deletions upstream) are applied.',
        params: z.strictObject({ bankId: BankId }),
        body: z.strictObject({
          content: z.string().min(1).max(IMPORT_BODY_LIMIT),
          format: z.enum(['auto', ...BANK_FILE_FORMATS]).default('auto'),
          signalType: z.enum(['pdq', 'md5', 'sha256']).optional().describe('For bare 64-hex lines: pdq (default) or sha256'),
          source: z.string().max(100).optional(),
          fileName: z.string().max(200).optional(),
        }),
        response: {
          200: z.object({
            format: z.string(),
            added: z.number(),
            duplicates: z.number(),
            tombstoned: z.number(),
            tombstonesUnmatched: z.number(),
            skippedLowQuality: z.number(),
            skippedNegative: z.number(),
            skippedUnsupported: z.record(z.string(), z.number()),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { bankId } = request.params;
      await media.requireBank(principal.tenantId, bankId);
      const body = request.body;
      const parsed = parseBankFile(body.content, {
        format: body.format,
        ...(body.signalType ? { signalType: body.signalType } : {}),
        ...(body.source ? { source: body.source } : {}),
        ...(body.fileName ? { fileName: body.fileName } : {}),
      });
      const result = await store.transaction(async (tx) => {
        const imported = await new MediaStore(tx).importRecords(principal.tenantId, bankId, parsed.records, body.fileName);
        await audit(tx, principal, { action: 'bank.import', target: bankId, details: { format: parsed.format, ...imported } });
        return imported;
      });
      media.invalidateBanks(principal.tenantId);
      return { format: parsed.format, ...result, skippedUnsupported: { ...parsed.skipped } };
    },
  );

  app.get(
    '/v1/banks/:bankId/export',
    {
      config: { permission: 'banks:read' },
      schema: {
        tags: ['banks'],
        summary: 'Export a bank (hex, csv, HMA local_file, pytx_csv)',
        params: z.strictObject({ bankId: BankId }),
        querystring: z.strictObject({ format: z.enum(BANK_EXPORT_FORMATS).default('csv'), signalType: z.enum(['pdq', 'md5', 'sha256']).default('pdq') }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const bank = await new MediaStore(store).loadBank(principal.tenantId, request.params.bankId);
      const text = bank.export(request.query.format, request.query.signalType);
      await audit(store, principal, { action: 'bank.export', target: request.params.bankId, details: { format: request.query.format } });
      return reply.type('text/plain; charset=utf-8').send(text);
    },
  );

  app.post(
    '/v1/banks/:bankId/tombstones',
    {
      config: { permission: 'banks:manage' },
      schema: {
        tags: ['banks'],
        summary: 'Tombstone entries (by entry id, by hash, or by upstream id)',
        params: z.strictObject({ bankId: BankId }),
        body: z.union([
          z.strictObject({ entryId: z.number().int().min(1) }),
          z.strictObject({ signalType: z.enum(['pdq', 'md5', 'sha256', 'video_md5', 'video_sha256']), hash: z.string().regex(/^[0-9a-fA-F]{32,64}$/) }),
          z.strictObject({ externalId: z.string().min(1).max(200), member: z.string().max(200).optional() }),
        ]),
        response: { 200: z.object({ tombstoned: z.number() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { bankId } = request.params;
      await media.requireBank(principal.tenantId, bankId);
      const selector = 'hash' in request.body ? { ...request.body, hash: request.body.hash.toLowerCase() } : request.body;
      const tombstoned = await store.transaction(async (tx) => {
        const n = await new MediaStore(tx).tombstone(principal.tenantId, bankId, selector as Parameters<MediaStore['tombstone']>[2]);
        await audit(tx, principal, { action: 'bank.tombstone', target: bankId, details: { tombstoned: n } });
        return n;
      });
      media.invalidateBanks(principal.tenantId);
      return { tombstoned };
    },
  );
}
