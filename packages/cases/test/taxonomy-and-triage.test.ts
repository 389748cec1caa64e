import { describe, expect, it } from 'vitest';
import {
  CHILD_SAFETY_TYPES,
  DEFAULT_SLA_MINUTES,
  REPORT_REASONS,
  SEVERITY_RANK,
  SOR_ENUMS,
  childReasons,
  mergeUrgency,
  reasonForAlert,
  reasonOrOther,
  slaDeadline,
  slaStatus,
  triage,
} from '../src/index.js';

/** REGULATION.md §6.3: which keywords belong to which category (advisory mapping, 2025 taxonomy). */
const KEYWORDS_BY_CATEGORY: Record<string, string[]> = {
  STATEMENT_CATEGORY_CYBER_VIOLENCE: [
    'KEYWORD_CYBER_BULLYING_INTIMIDATION',
    'KEYWORD_CYBER_HARASSMENT',
    'KEYWORD_CYBER_INCITEMENT',
    'KEYWORD_CYBER_STALKING',
    'KEYWORD_NON_CONSENSUAL_IMAGE_SHARING',
    'KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE',
  ],
  STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH: ['KEYWORD_DEFAMATION', 'KEYWORD_DISCRIMINATION', 'KEYWORD_HATE_SPEECH'],
  STATEMENT_CATEGORY_OTHER_VIOLATION_TC: [
    'KEYWORD_ADULT_SEXUAL_MATERIAL',
    'KEYWORD_AGE_SPECIFIC_RESTRICTIONS',
    'KEYWORD_GEOGRAPHICAL_REQUIREMENTS',
    'KEYWORD_GOODS_SERVICES_NOT_PERMITTED',
    'KEYWORD_LANGUAGE_REQUIREMENTS',
    'KEYWORD_NUDITY',
  ],
  STATEMENT_CATEGORY_PROTECTION_OF_MINORS: [
    'KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS',
    'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL',
    'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE',
    'KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS',
    'KEYWORD_UNSAFE_CHALLENGES',
  ],
  STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY: ['KEYWORD_ILLEGAL_ORGANIZATIONS', 'KEYWORD_RISK_ENVIRONMENTAL_DAMAGE', 'KEYWORD_RISK_PUBLIC_HEALTH', 'KEYWORD_TERRORIST_CONTENT'],
  STATEMENT_CATEGORY_SCAMS_AND_FRAUD: [
    'KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING',
    'KEYWORD_INAUTHENTIC_ACCOUNTS',
    'KEYWORD_INAUTHENTIC_LISTINGS',
    'KEYWORD_INAUTHENTIC_USER_REVIEWS',
    'KEYWORD_PHISHING',
    'KEYWORD_PYRAMID_SCHEMES',
  ],
  STATEMENT_CATEGORY_SELF_HARM: ['KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS', 'KEYWORD_SELF_MUTILATION', 'KEYWORD_SUICIDE'],
  STATEMENT_CATEGORY_VIOLENCE: [
    'KEYWORD_COORDINATED_HARM',
    'KEYWORD_INCITEMENT_VIOLENCE_HATRED',
    'KEYWORD_HUMAN_EXPLOITATION',
    'KEYWORD_HUMAN_TRAFFICKING',
    'KEYWORD_TRAFFICKING_WOMEN_GIRLS',
  ],
  STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE: [],
};

describe('reason taxonomy', () => {
  it('has unique codes mapped to real categories, with keywords of that category (or KEYWORD_OTHER)', () => {
    expect(new Set(REPORT_REASONS.map((r) => r.code)).size).toBe(REPORT_REASONS.length);
    for (const r of REPORT_REASONS) {
      expect(Object.keys(SOR_ENUMS.STATEMENT_CATEGORIES)).toContain(r.category);
      for (const k of r.keywords) {
        expect(Object.keys(SOR_ENUMS.KEYWORDS)).toContain(k);
        if (k !== 'KEYWORD_OTHER') expect(KEYWORDS_BY_CATEGORY[r.category], `${r.code}: ${k}`).toContain(k);
      }
      if (r.keywords.includes('KEYWORD_OTHER')) expect(r.keywordOther).toBeTruthy();
      if (r.basis === 'illegal') expect(r.legalGround?.length).toBeLessThanOrEqual(500);
    }
  });

  it('covers every child-safety type, and CSEA reasons carry a CyberTipline incident type', () => {
    for (const type of CHILD_SAFETY_TYPES) expect(REPORT_REASONS.some((r) => r.childSafetyType === type), type).toBe(true);
    for (const code of ['csam', 'grooming', 'sextortion', 'child-trafficking']) {
      expect(reasonOrOther(code).ncmec?.incidentType).toBeTruthy();
      expect(reasonOrOther(code).severity).toBe('critical');
    }
    expect(reasonOrOther('grooming').ncmec?.incidentType).toBe('Online Enticement of Children for Sexual Acts');
    expect(reasonOrOther('sextortion').ncmec?.annotations).toContain('sextortion');
  });

  it('offers children a short list in plain words, most serious first', () => {
    const list = childReasons();
    expect(list.length).toBeLessThanOrEqual(10);
    expect(list[0]?.code).toBe('grooming');
    expect(list.at(-1)?.code).toBe('other');
    for (const item of list) {
      expect(item.label.length).toBeLessThan(90);
      // Plain wording: no legal or technical vocabulary.
      expect(item.label).not.toMatch(/material|CSAM|enticement|solicitation|statement|category|DSA/i);
    }
  });

  it('files alerts under the right reason', () => {
    expect(reasonForAlert('grooming').code).toBe('grooming');
    expect(reasonForAlert('contact-risk').code).toBe('contact-risk');
    expect(reasonForAlert('hash-match', { hashMatches: [{ bank: 'NCMEC_HASHES', label: 'A1' }] }).code).toBe('csam');
    expect(reasonForAlert('hash-match', { hashMatches: [{ bank: 'TERROR_LIST' }] }).code).toBe('hash-match');
    expect(reasonForAlert('nudity').code).toBe('obscene-to-child');
    expect(reasonForAlert('nudity', { reasonCode: 'sextortion' }).code).toBe('sextortion');
  });
});

describe('triage', () => {
  const t = (code: string, extra: Partial<Parameters<typeof triage>[0]> = {}) =>
    triage({ reason: reasonOrOther(code), source: 'user', involvesChild: false, ...extra });

  it('puts child sexual abuse and grooming first', () => {
    expect(t('csam').severity).toBe('critical');
    expect(t('grooming', { source: 'detection' }).severity).toBe('critical');
    expect(t('bullying').severity).toBe('medium');
    expect(t('spam').severity).toBe('low');
    const order = ['spam', 'bullying', 'self-harm', 'grooming'].map((c) => t(c)).sort((a, b) => a.rank - b.rank);
    expect(order[0]?.severity).toBe('critical');
  });

  it('raises for children, trusted flaggers and authorities, and says why', () => {
    const bullyingChild = t('bullying', { involvesChild: true });
    expect(bullyingChild.severity).toBe('high');
    expect(bullyingChild.why.join(' ')).toMatch(/child/);
    expect(t('spam', { reporterIsChild: true }).severity).toBe('medium');
    expect(t('spam', { source: 'authority' }).severity).toBe('high');
    expect(t('bullying', { source: 'trusted-flagger' }).severity).toBe('high');
    expect(t('csam', { source: 'trusted-flagger' }).severity).toBe('critical');
  });

  it('merges urgency: most severe, earliest deadline', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const low = { rank: SEVERITY_RANK.low, slaDueMs: slaDeadline(t0, 'low') };
    const critical = { rank: SEVERITY_RANK.critical, slaDueMs: slaDeadline(t0 + 3_600_000, 'critical') };
    expect(mergeUrgency(low, critical)).toEqual({ rank: 0, slaDueMs: t0 + 2 * 3_600_000 });
    expect(mergeUrgency(critical, low)).toEqual({ rank: 0, slaDueMs: t0 + 2 * 3_600_000 });
    expect(DEFAULT_SLA_MINUTES.critical).toBeLessThan(DEFAULT_SLA_MINUTES.high);
    expect(slaStatus(t0, t0 + 1000)).toMatchObject({ breached: true, remainingMs: -1000 });
    expect(slaStatus(t0, t0 + 1000, t0 - 5)).toMatchObject({ breached: false, remainingMs: 5 });
  });
});
