/**
 * Statements of reasons: the generated validator matches the shared schema file it was compiled
 * from, agrees with Ajv compiling that schema at run time, and batches for the EU database hold at
 * most 100 valid statements.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SafeguardError } from '@safeguard/core';
import { SOR_SCHEMA_DIGEST, statementBatches, statementFromDecision, validateStatement, type ModerationDecisionFact, type StatementOfReasons } from '../src/index.js';
import { SOR_ENUMS_DIGEST, STATEMENT_CATEGORIES } from '../src/sor/sor-enums.generated.js';

const SCHEMA_PATH = fileURLToPath(new URL('../../../../shared/standards/sor.schema.json', import.meta.url));
const ENUMS_PATH = fileURLToPath(new URL('../../../../shared/standards/sor-enums.json', import.meta.url));
const present = existsSync(SCHEMA_PATH) && existsSync(ENUMS_PATH);

const VALID: StatementOfReasons = {
  decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
  decision_account: 'DECISION_ACCOUNT_SUSPENDED',
  end_date_account_restriction: '2025-03-01',
  decision_facts: 'An adult account sent sexualised messages to a child account after asking to move to another app.',
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
  illegal_content_legal_ground: 'Sexual Offences Act 2003 s.15A',
  illegal_content_explanation: 'Sexual communication with a child.',
  content_type: ['CONTENT_TYPE_TEXT'],
  category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  category_specification: ['KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS'],
  territorial_scope: ['IE', 'FR'],
  content_language: 'EN',
  content_date: '2025-01-30',
  application_date: '2025-02-01',
  source_type: 'SOURCE_VOLUNTARY',
  automated_detection: 'Yes',
  automated_decision: 'AUTOMATED_DECISION_PARTIALLY',
  puid: 'case-123_a',
};

describe('the generated validator', () => {
  it.skipIf(!present)('was generated from the shared schema and enumerations as they are now', () => {
    const digest = (p: string) => createHash('sha256').update(readFileSync(p, 'utf8')).digest('hex').slice(0, 16);
    expect(SOR_SCHEMA_DIGEST).toBe(digest(SCHEMA_PATH));
    expect(SOR_ENUMS_DIGEST).toBe(digest(ENUMS_PATH));
    const script = fileURLToPath(new URL('../scripts/sync-sor-schema.mjs', import.meta.url));
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toContain('matches');
  });

  it('accepts a complete statement and names what is wrong with broken ones', () => {
    expect(validateStatement(VALID)).toEqual([]);
    const broken = (patch: Record<string, unknown>) => validateStatement({ ...VALID, ...patch });
    expect(broken({ puid: 'has space' }).map((p) => p.path)).toContain('/puid');
    expect(broken({ category: 'STATEMENT_CATEGORY_GROOMING' }).map((p) => p.path)).toContain('/category');
    expect(broken({ content_date: '2025-02-30' }).map((p) => p.path)).toContain('/content_date');
    expect(broken({ illegal_content_legal_ground: undefined }).some((p) => p.message.includes('illegal_content_legal_ground'))).toBe(true);
    expect(broken({ decision_visibility: null, decision_account: null }).length).toBeGreaterThan(0);
    expect(broken({ extra_field: 1 }).some((p) => p.message.includes('extra_field'))).toBe(true);
    expect(broken({ incompatible_content_illegal: 'Yes' }).length).toBeGreaterThan(0);
    expect(broken({ end_date_account_restriction: '2025-01-01' })).toEqual([{ path: '/end_date_account_restriction', message: 'must not be before application_date (2025-02-01)' }]);
    expect(broken({ decision_facts: 'Reported by jane.doe@example.com' })[0]?.message).toContain('personal data');
    expect(broken({ decision_ground_reference_url: 'not a url' }).map((p) => p.path)).toContain('/decision_ground_reference_url');
    // maxLength counts code points: 500 emoji are 1000 UTF-16 units but only 500 characters.
    expect(broken({ decision_visibility: ['DECISION_VISIBILITY_OTHER'], decision_visibility_other: '😀'.repeat(500) })).toEqual([]);
    expect(broken({ decision_visibility: ['DECISION_VISIBILITY_OTHER'], decision_visibility_other: '😀'.repeat(501) }).length).toBe(1);
  });

  it.skipIf(!present)('agrees with Ajv compiling the shared schema at run time', () => {
    const require = createRequire(import.meta.url);
    const Ajv2020 = (require('ajv/dist/2020') as { default: new (o: object) => { compile: (s: unknown) => (d: unknown) => boolean } }).default;
    const addFormats = require('ajv-formats') as (ajv: unknown) => void;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const reference = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
    const fields = Object.keys(VALID);
    const values = [null, '', 'x', 0, [], ['CONTENT_TYPE_OTHER'], 'Yes', '2025-13-01', '2025-01-31', 'DECISION_GROUND_INCOMPATIBLE_CONTENT', 'https://example.com/terms'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...fields, 'incompatible_content_ground', 'content_type_other'), fc.constantFrom(...values, undefined)), { maxLength: 4 }), (edits) => {
        const statement: Record<string, unknown> = { ...VALID };
        for (const [k, v] of edits) {
          if (v === undefined) delete statement[k];
          else statement[k] = v;
        }
        // Only schema problems: leave out the checks JSON Schema cannot express.
        const codeOnly = (m: string) => m.startsWith('must not be before application_date') || m.includes('postdate') || m.includes('personal data');
        const generated = validateStatement(statement).filter((p) => !codeOnly(p.message));
        expect(generated.length === 0).toBe(reference(statement));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('EU Transparency Database batches', () => {
  const statements = (n: number): StatementOfReasons[] => Array.from({ length: n }, (_, i) => ({ ...VALID, puid: `case-${i}` }));

  it('splits 250 statements into batches of 100, 100 and 50', async () => {
    const batches = [];
    for await (const b of statementBatches(statements(250))) batches.push(b);
    expect(batches.map((b) => [b.batch, b.body.statements.length])).toEqual([
      [1, 100],
      [2, 100],
      [3, 50],
    ]);
  });

  it('numbers batches from a later start when given the tail of a sequence', async () => {
    const batches = [];
    for await (const b of statementBatches(statements(150), { firstBatch: 3 })) batches.push(b);
    expect(batches.map((b) => [b.batch, b.body.statements.length])).toEqual([
      [3, 100],
      [4, 50],
    ]);
    const bad = [...statements(5), { ...VALID, puid: 'x', category: 'NOT_A_CATEGORY' }];
    // Statement positions in errors count from the start of the whole sequence (batch 3 starts at 201).
    await expect(async () => {
      for await (const _ of statementBatches(bad, { firstBatch: 3 })) void _;
    }).rejects.toThrow(/Statement 206 \(puid x\)/);
  });

  it('refuses an invalid statement or a repeated puid, naming it, before producing a bad batch', async () => {
    const bad = [...statements(150), { ...VALID, puid: 'case-x', category: 'NOPE' }];
    const seen: number[] = [];
    const error = await (async () => {
      for await (const b of statementBatches(bad)) seen.push(b.batch);
    })().then(
      () => null,
      (e: unknown) => e as SafeguardError,
    );
    expect(seen).toEqual([1]);
    expect(error?.code).toBe('validation_failed');
    expect(error?.message).toContain('Statement 151 (puid case-x)');
    const dup = await (async () => {
      for await (const _ of statementBatches([...statements(3), { ...VALID, puid: 'case-1' }])) void _;
    })().then(
      () => null,
      (e: unknown) => e as SafeguardError,
    );
    expect(dup?.message).toContain('duplicate puid "case-1"');
    await expect(statementBatches([], { batchSize: 101 }).next()).rejects.toThrow(/between 1 and 100/);
  });

  it('builds schema-valid statements from decisions, for every category and restriction family', () => {
    const decision: ModerationDecisionFact = {
      id: 'd1',
      decidedAt: '2025-02-01T10:00:00.000Z',
      source: 'TRUSTED_FLAGGER',
      detection: 'USER_REPORT',
      automatedDetection: false,
      automatedDecision: 'NOT',
      basis: 'TERMS',
      category: 'STATEMENT_CATEGORY_SELF_HARM',
      restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED'], monetary: 'DECISION_MONETARY_OTHER', provision: 'DECISION_PROVISION_TOTAL_SUSPENSION', account: null },
      concernsChild: true,
      receivedAt: '2025-02-01T08:00:00.000Z',
    };
    for (const category of Object.keys(STATEMENT_CATEGORIES) as ModerationDecisionFact['category'][]) {
      for (const basis of ['LAW', 'TERMS'] as const) {
        const s = statementFromDecision(
          { ...decision, category, basis, restrictions: { ...decision.restrictions, monetary: 'DECISION_MONETARY_SUSPENSION' } },
          { puid: `d1-${basis}`, facts: 'Content promoting self-harm shown to a teen account.', contentType: ['CONTENT_TYPE_VIDEO'], contentDate: '2025-01-31', legalGround: 'OSA s.12', illegalExplanation: 'Primary priority content.', termsGround: 'Community rules §4', termsExplanation: 'Self-harm content is not allowed.', sourceIdentity: 'Trusted flagger 7', territorialScope: ['DE'] },
        );
        expect(validateStatement(s), `${category} ${basis}`).toEqual([]);
      }
    }
    // A monetary "other" restriction needs its description: the schema says so, and so do we.
    const other = statementFromDecision(decision, { puid: 'd1', facts: 'x', contentType: ['CONTENT_TYPE_TEXT'], contentDate: '2025-01-31', termsGround: 'g', termsExplanation: 'e' });
    expect(validateStatement(other).some((p) => p.message.includes('decision_monetary_other'))).toBe(true);
  });
});
