import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgeBand } from '@safeguard/core';
import {
  assessNudity,
  decideNudityIntervention,
  DEFAULT_NUDITY_THRESHOLDS,
  DEFAULT_SUPPORT_RESOURCES,
  mayReveal,
  type InterventionParty,
  type NudityScores,
} from '../src/index.js';

const scores = (s: Partial<NudityScores>): NudityScores => ({ drawing: 0, hentai: 0, neutral: 0, porn: 0, sexy: 0, ...s });
const FLAGGED = assessNudity(scores({ porn: 0.9, neutral: 0.1 }));
const CLEAN = assessNudity(scores({ neutral: 0.95, drawing: 0.05 }));

const child: InterventionParty = { id: 'c1', ageBand: '13-15' };
const child2: InterventionParty = { id: 'c2', ageBand: 'under13' };
const adult: InterventionParty = { id: 'a1', ageBand: 'adult' };
const unknown: InterventionParty = { id: 'u1', ageBand: 'unknown' };

describe('assessNudity: configurable thresholds', () => {
  it('flags when any class reaches its threshold, naming which', () => {
    expect(assessNudity(scores({ porn: 0.5 }))).toMatchObject({ flagged: true, reasons: ['porn>=0.5'] });
    expect(assessNudity(scores({ hentai: 0.61 })).reasons).toEqual(['hentai>=0.6']);
    expect(assessNudity(scores({ sexy: 0.79, neutral: 0.21 })).reasons).toEqual(['porn+hentai+sexy>=0.7']);
    expect(assessNudity(scores({ porn: 0.3, sexy: 0.3, neutral: 0.4 }))).toMatchObject({ flagged: false });
    expect(CLEAN.flagged).toBe(false);
  });

  it('thresholds are configurable and validated', () => {
    const strict = { ...DEFAULT_NUDITY_THRESHOLDS, porn: 0.2 };
    expect(assessNudity(scores({ porn: 0.25, neutral: 0.75 }), strict).flagged).toBe(true);
    expect(() => assessNudity(scores({}), { ...DEFAULT_NUDITY_THRESHOLDS, porn: 0 })).toThrow(RangeError);
    expect(() => assessNudity(scores({}), { ...DEFAULT_NUDITY_THRESHOLDS, sexy: 1.5 })).toThrow(RangeError);
  });

  it('lowering a threshold never unflags an image (monotone)', () => {
    fc.assert(
      fc.property(fc.float({ min: 0, max: 1, noNaN: true }), fc.float({ min: 0, max: 1, noNaN: true }), fc.float({ min: Math.fround(0.01), max: 1, noNaN: true }), (porn, sexy, t) => {
        const s = scores({ porn, sexy });
        const loose = assessNudity(s, { ...DEFAULT_NUDITY_THRESHOLDS, porn: t });
        const tighter = assessNudity(s, { ...DEFAULT_NUDITY_THRESHOLDS, porn: Math.max(0.001, t / 2) });
        if (loose.flagged) expect(tighter.flagged).toBe(true);
      }),
    );
  });
});

describe('a child sending a flagged image', () => {
  it('is warned before sending, with support resources, and nothing is delivered yet', () => {
    const d = decideNudityIntervention({ sender: child, recipients: [adult, child2], assessment: FLAGGED });
    expect(d).toMatchObject({ flagged: true, senderPrompt: 'warn_before_send', deliveries: [], ruleIds: ['DEF-13'] });
    expect(d.supportResources).toEqual(DEFAULT_SUPPORT_RESOURCES);
    expect(d.supportResources.length).toBeGreaterThan(0);
  });

  it('after choosing to send: never delivered to an adult (or unknown age); children get it blurred', () => {
    const d = decideNudityIntervention({ sender: child, recipients: [adult, child2, unknown], assessment: FLAGGED, senderConfirmed: true });
    expect(d.senderPrompt).toBe('none');
    expect(d.deliveries.map((x) => [x.recipientId, x.delivery, x.reveal])).toEqual([
      ['a1', 'withhold', 'none'],
      ['c2', 'deliver_blurred', 'recipient_choice'],
      ['u1', 'withhold', 'none'],
    ]);
    expect(d.alerts).toEqual(['child_nudity_withheld_from_adult']);
  });

  it('an account of unknown age is treated as a child sender (AGE-01)', () => {
    expect(decideNudityIntervention({ sender: unknown, recipients: [adult], assessment: FLAGGED }).senderPrompt).toBe('warn_before_send');
  });

  it('uses the tenant-configured resources', () => {
    const resources = [{ name: 'Local helpline', url: 'https://help.example', description: 'x' }];
    const d = decideNudityIntervention({ sender: child, recipients: [child2], assessment: FLAGGED }, { thresholds: DEFAULT_NUDITY_THRESHOLDS, supportResources: resources });
    expect(d.supportResources).toEqual(resources);
  });
});

describe('a child receiving a flagged image', () => {
  it('from an adult: delivered blurred, revealed only by the child, and moderation is alerted', () => {
    const d = decideNudityIntervention({ sender: adult, recipients: [child, adult], assessment: FLAGGED });
    expect(d.senderPrompt).toBe('none');
    expect(d.deliveries.map((x) => [x.recipientId, x.delivery])).toEqual([
      ['c1', 'deliver_blurred'],
      ['a1', 'deliver'],
    ]);
    expect(d.alerts).toEqual(['adult_sent_nudity_to_child']);
    const blurred = d.deliveries[0]!;
    expect(mayReveal(blurred, 'c1', true)).toBe(true);
    expect(mayReveal(blurred, 'c1', false)).toBe(false);
    expect(mayReveal(blurred, 'a1', true)).toBe(false);
    expect(mayReveal(d.deliveries[1]!, 'a1', true)).toBe(false);
  });
});

describe('no intervention', () => {
  it('adult to adult, and anything not flagged, is delivered normally', () => {
    expect(decideNudityIntervention({ sender: adult, recipients: [adult], assessment: FLAGGED }).deliveries[0]?.delivery).toBe('deliver');
    const d = decideNudityIntervention({ sender: child, recipients: [adult, child2], assessment: CLEAN });
    expect(d).toMatchObject({ flagged: false, senderPrompt: 'none', alerts: [] });
    expect(d.deliveries.every((x) => x.delivery === 'deliver')).toBe(true);
  });
});

describe('invariants over every combination of ages (property)', () => {
  const band = fc.constantFrom<AgeBand>('under13', '13-15', '16-17', 'adult', 'unknown');
  it('a flagged image from a non-adult never reaches an adult; every non-adult recipient who gets it gets it blurred', () => {
    fc.assert(
      fc.property(band, fc.array(band, { maxLength: 6 }), fc.boolean(), (senderBand, bands, confirmed) => {
        const recipients = bands.map((b, i) => ({ id: `r${i}`, ageBand: b }));
        const d = decideNudityIntervention({ sender: { id: 's', ageBand: senderBand }, recipients, assessment: FLAGGED, senderConfirmed: confirmed });
        for (const delivery of d.deliveries) {
          const r = recipients.find((x) => x.id === delivery.recipientId)!;
          if (senderBand !== 'adult' && r.ageBand === 'adult') expect(delivery.delivery).toBe('withhold');
          if (r.ageBand !== 'adult' && delivery.delivery !== 'withhold') expect(delivery.delivery).toBe('deliver_blurred');
        }
        if (senderBand !== 'adult' && !confirmed) expect(d.deliveries).toEqual([]);
        else expect(d.deliveries).toHaveLength(recipients.length);
      }),
    );
  });
});
