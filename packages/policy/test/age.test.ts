import { ASSURANCE_METHODS } from '@safeguard/core';
import { describe, expect, it } from 'vitest';
import {
  HIGHLY_EFFECTIVE_METHODS,
  ageInYears,
  bandForAge,
  dayNumberOf,
  deriveAgeBand,
  formatDayNumber,
  isHighlyEffective,
} from '../src/age.js';
import { parseIsoDate } from '../src/index.js';
import { day } from './fixtures.js';

describe('parseIsoDate', () => {
  it.each([
    ['2010-06-15', 20100615],
    ['2000-02-29', 20000229],
    ['2024-02-29', 20240229],
    ['1999-12-31', 19991231],
    ['2025-01-01', 20250101],
  ])('parses %s', (iso, expected) => {
    expect(parseIsoDate(iso)).toBe(expected);
  });

  it.each([
    '2023-02-29', // not a leap year
    '1900-02-29', // century, not a leap year
    '2025-04-31',
    '2025-06-31',
    '2025-02-30',
    '2025-13-01',
    '2025-00-10',
    '2025-01-00',
    '2025-01-32',
    '2025-1-05',
    '25-01-05',
    '2025/01/05',
    '2025-01-05T00:00:00Z',
    ' 2025-01-05',
    '2025-01-05 ',
    '',
    'yesterday',
  ])('rejects %j', (iso) => {
    expect(parseIsoDate(iso)).toBeUndefined();
  });

  it('round-trips through formatDayNumber', () => {
    for (const iso of ['2010-06-15', '2024-02-29', '0999-01-09', '2025-12-31']) {
      expect(formatDayNumber(day(iso))).toBe(iso);
    }
  });
});

describe('dayNumberOf', () => {
  it('is the UTC calendar day of an instant', () => {
    expect(dayNumberOf(new Date('2025-06-15T00:00:00.000Z'))).toBe(20250615);
    expect(dayNumberOf(new Date('2025-06-15T23:59:59.999Z'))).toBe(20250615);
    expect(dayNumberOf(new Date('2025-06-16T00:30:00+01:00'))).toBe(20250615);
    expect(dayNumberOf(new Date('2024-02-29T12:00:00Z'))).toBe(20240229);
  });
});

describe('ageInYears and bandForAge', () => {
  it('counts completed years', () => {
    expect(ageInYears(day('2012-06-15'), day('2025-06-14'))).toBe(12);
    expect(ageInYears(day('2012-06-15'), day('2025-06-15'))).toBe(13);
    expect(ageInYears(day('2010-12-31'), day('2023-01-01'))).toBe(12);
    expect(ageInYears(day('2010-01-01'), day('2022-12-31'))).toBe(12);
    expect(ageInYears(day('2025-06-15'), day('2025-06-15'))).toBe(0);
  });

  it('maps ages onto bands at 13, 16 and 18', () => {
    expect([0, 12, 13, 15, 16, 17, 18, 90].map(bandForAge)).toEqual([
      'under13',
      'under13',
      '13-15',
      '13-15',
      '16-17',
      '16-17',
      'adult',
      'adult',
    ]);
  });
});

describe('deriveAgeBand', () => {
  it.each([
    [13, '2012-06-15', 'under13', '13-15'],
    [16, '2009-06-15', '13-15', '16-17'],
    [18, '2007-06-15', '16-17', 'adult'],
  ] as const)('a child turning %i changes band on the birthday itself', (_age, birth, before, on) => {
    const birthDate = day(birth);
    expect(deriveAgeBand({ birthDate }, day('2025-06-14'))).toBe(before);
    expect(deriveAgeBand({ birthDate }, day('2025-06-15'))).toBe(on);
    expect(deriveAgeBand({ birthDate }, day('2025-06-16'))).toBe(on);
  });

  it('a birthday on 29 February counts from 1 March in common years', () => {
    const birthDate = day('2012-02-29');
    expect(deriveAgeBand({ birthDate }, day('2025-02-28'))).toBe('under13');
    expect(deriveAgeBand({ birthDate }, day('2025-03-01'))).toBe('13-15');
    const leapling = day('2008-02-29');
    // 2026 is a common year: 18 on 1 March.
    expect(deriveAgeBand({ birthDate: leapling }, day('2026-02-28'))).toBe('16-17');
    expect(deriveAgeBand({ birthDate: leapling }, day('2026-03-01'))).toBe('adult');
    // 2024 is a leap year: 16 on 29 February itself.
    expect(deriveAgeBand({ birthDate: leapling }, day('2024-02-28'))).toBe('13-15');
    expect(deriveAgeBand({ birthDate: leapling }, day('2024-02-29'))).toBe('16-17');
  });

  it('uses the birth date over a declared band', () => {
    expect(deriveAgeBand({ birthDate: day('2014-01-01'), declaredBand: 'adult' }, day('2025-06-15'))).toBe('under13');
    expect(deriveAgeBand({ birthDate: day('1990-01-01'), declaredBand: 'under13' }, day('2025-06-15'))).toBe('adult');
  });

  it('uses a declared band only when there is no birth date', () => {
    for (const band of ['under13', '13-15', '16-17', 'adult'] as const) {
      expect(deriveAgeBand({ declaredBand: band }, day('2025-06-15'))).toBe(band);
      expect(deriveAgeBand({ birthDate: null, declaredBand: band }, day('2025-06-15'))).toBe(band);
    }
  });

  it('is unknown with neither birth date nor declared band', () => {
    expect(deriveAgeBand({}, day('2025-06-15'))).toBe('unknown');
    expect(deriveAgeBand({ birthDate: null, declaredBand: null }, day('2025-06-15'))).toBe('unknown');
  });

  it('treats a birth date in the future as no usable evidence (unknown), whatever was declared', () => {
    expect(deriveAgeBand({ birthDate: day('2025-06-16') }, day('2025-06-15'))).toBe('unknown');
    expect(deriveAgeBand({ birthDate: day('2030-01-01'), declaredBand: 'adult' }, day('2025-06-15'))).toBe('unknown');
    // Born today is a real (newborn) age, not unknown.
    expect(deriveAgeBand({ birthDate: day('2025-06-15') }, day('2025-06-15'))).toBe('under13');
  });
});

describe('isHighlyEffective (AGE-02)', () => {
  it('accepts the methods Ofcom names as capable of being highly effective', () => {
    for (const method of ['facial-estimation', 'id-document', 'open-banking', 'mobile-operator', 'credit-card', 'digital-id'] as const) {
      expect(isHighlyEffective(method)).toBe(true);
    }
  });

  it('rejects self-declaration, a guardian’s word and missing evidence', () => {
    expect(isHighlyEffective('self-declared')).toBe(false);
    expect(isHighlyEffective('guardian-confirmed')).toBe(false);
    expect(isHighlyEffective(null)).toBe(false);
    expect(isHighlyEffective(undefined)).toBe(false);
  });

  it('classifies every known assurance method, and only known ones are highly effective', () => {
    for (const method of HIGHLY_EFFECTIVE_METHODS) expect(ASSURANCE_METHODS).toContain(method);
    expect(ASSURANCE_METHODS.filter((m) => isHighlyEffective(m))).toHaveLength(HIGHLY_EFFECTIVE_METHODS.size);
    expect(HIGHLY_EFFECTIVE_METHODS.size).toBe(ASSURANCE_METHODS.length - 2);
  });
});
