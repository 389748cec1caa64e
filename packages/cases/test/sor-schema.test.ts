/**
 * The compiled-in statement-of-reasons schema matches ../shared/standards, and statements built
 * for every decision validate against it (property test); tampered statements do not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DECISION_ACTIONS,
  REPORT_REASONS,
  SOR_ENUMS,
  SOR_SCHEMA,
  buildStatementOfReasons,
  restrictionEndDate,
  validateStatementOfReasons,
  type ContentType,
  type IntakeSource,
} from '../src/index.js';

const STANDARDS = fileURLToPath(new URL('../../../../shared/standards/', import.meta.url));
const present = existsSync(`${STANDARDS}sor.schema.json`);
const SCRIPT = fileURLToPath(new URL('../scripts/sync-sor-schema.mjs', import.meta.url));

describe('generated schema module', () => {
  it.skipIf(!present)(`matches the shared schema and enumerations (${present ? STANDARDS : 'SKIPPED: shared standards not found'})`, () => {
    expect(SOR_SCHEMA).toEqual(JSON.parse(readFileSync(`${STANDARDS}sor.schema.json`, 'utf8')));
    expect(SOR_ENUMS).toEqual(JSON.parse(readFileSync(`${STANDARDS}sor-enums.json`, 'utf8')));
    // Byte-for-byte: the sync script's --check regenerates and compares.
    expect(() => execFileSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8' })).not.toThrow();
  });
});

const SOURCES: IntakeSource[] = ['user', 'trusted-flagger', 'authority', 'detection'];
const CONTENT: ContentType[] = ['CONTENT_TYPE_TEXT', 'CONTENT_TYPE_IMAGE', 'CONTENT_TYPE_VIDEO'];

describe('statements of reasons', () => {
  it('every decision, reason, basis and source produces a schema-valid statement', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DECISION_ACTIONS),
        fc.constantFrom(...REPORT_REASONS),
        fc.constantFrom('illegal' as const, 'terms' as const),
        fc.constantFrom(...SOURCES),
        fc.subarray(CONTENT),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.string({ maxLength: 6000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 3650 }), { nil: undefined }),
        fc.date({ min: new Date('2020-01-02T00:00:00Z'), max: new Date('2037-06-01T00:00:00Z'), noInvalidDate: true }),
        fc.option(fc.string({ maxLength: 600 }), { nil: undefined }),
        (action, reason, basis, source, contentTypes, automated, removeContent, facts, days, decidedAt, identity) => {
          const { statement, required } = buildStatementOfReasons({
            puid: 'dc_0123456789abcdef',
            action,
            reason,
            basis,
            source,
            contentTypes,
            automatedDetection: automated,
            removeContent,
            facts,
            decidedAt,
            contentDate: '1999-05-01',
            endDate: restrictionEndDate(action, decidedAt, days),
            sourceIdentity: identity,
            settings: { territorialScope: ['IE', 'FR'], termsUrl: 'https://example.org/terms' },
          });
          const result = validateStatementOfReasons(statement);
          expect(result.errors).toEqual([]);
          expect(required).toBe(action !== 'no_action' && !(action === 'warn' && !removeContent));
          if (action === 'no_action') expect(statement.decision_ground).toBe('DECISION_GROUND_INCOMPATIBLE_CONTENT');
          if (source === 'user') expect(statement.source_identity).toBeUndefined();
          expect(statement.automated_decision).toBe('AUTOMATED_DECISION_NOT_AUTOMATED');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never mentions a referral in the statement the suspect receives', () => {
    const { statement } = buildStatementOfReasons({
      puid: 'dc_x',
      action: 'refer_law_enforcement',
      reason: REPORT_REASONS.find((r) => r.code === 'grooming')!,
      basis: 'illegal',
      source: 'detection',
      contentTypes: ['CONTENT_TYPE_TEXT'],
      automatedDetection: true,
      decidedAt: new Date('2026-03-01T10:00:00Z'),
      contentDate: '2026-02-28',
    });
    expect(JSON.stringify(statement)).not.toMatch(/refer|law enforcement|authorit|police|NCMEC/i);
    expect(statement).toMatchObject({
      decision_account: 'DECISION_ACCOUNT_TERMINATED',
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
      category_specification: ['KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS'],
      source_type: 'SOURCE_VOLUNTARY',
      automated_detection: 'Yes',
      application_date: '2026-03-01',
      content_date: '2026-02-28',
    });
  });

  it('rejects statements that break the schema or the rules it cannot express', () => {
    const { statement } = buildStatementOfReasons({
      puid: 'dc_y',
      action: 'suspend',
      reason: REPORT_REASONS.find((r) => r.code === 'bullying')!,
      basis: 'terms',
      source: 'user',
      contentTypes: ['CONTENT_TYPE_TEXT'],
      automatedDetection: false,
      decidedAt: new Date('2026-03-01T10:00:00Z'),
      contentDate: '2026-02-28',
      endDate: '2026-03-08',
    });
    expect(validateStatementOfReasons(statement).valid).toBe(true);
    const broken = (patch: Record<string, unknown>, drop: string[] = []): boolean => {
      const copy: Record<string, unknown> = { ...statement, ...patch };
      for (const k of drop) delete copy[k];
      return validateStatementOfReasons(copy).valid;
    };
    expect(broken({ end_date_account_restriction: '2026-02-01' })).toBe(false);
    expect(broken({ category: 'STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT' })).toBe(false);
    expect(broken({ puid: 'has spaces' })).toBe(false);
    expect(broken({ application_date: '2019-12-31' })).toBe(false);
    expect(broken({ incompatible_content_illegal: 'Yes', decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT', illegal_content_legal_ground: 'x', illegal_content_explanation: 'y' })).toBe(false);
    expect(broken({}, ['decision_facts'])).toBe(false);
    expect(broken({}, ['decision_account'])).toBe(false);
    expect(broken({ personal_data: 'x' })).toBe(false);
  });
});
