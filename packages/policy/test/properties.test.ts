/**
 * Property tests over the policy (issue 2, "Bad input and correctness"): whatever a child does to
 * their own settings, a stranger adult can never reach them; blocks always hold; decisions are
 * deterministic and cite only catalogue rules.
 */
import { DECISION_OUTCOMES, JURISDICTIONS, type Decision, type DeclarableAgeBand, type Jurisdiction } from '@safeguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_NAMES,
  ACTIONS,
  CONTENT_CATEGORIES,
  SETTINGS,
  appearsInConnectionList,
  createPolicyEngine,
  dayNumberOf,
  findRule,
  type AccountRecord,
  type DecisionContext,
  type PolicyEngine,
  type Relationship,
  type ResolvedAccount,
  type SettingOverride,
  type TenantPolicyConfig,
} from '../src/index.js';
import { NOW } from './fixtures.js';

const RUNS = 300;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const engine = createPolicyEngine();

const jurisdictionArb = fc.constantFrom<Jurisdiction>(...JURISDICTIONS);
const assuranceArb = fc.option(
  fc.constantFrom(
    'self-declared',
    'facial-estimation',
    'id-document',
    'open-banking',
    'mobile-operator',
    'credit-card',
    'digital-id',
    'guardian-confirmed',
  ),
  { nil: undefined },
);

/** A birth date `days` days before NOW. */
const birthDaysAgo = (days: number): number => dayNumberOf(new Date(NOW.getTime() - days * DAY_MS));

/**
 * Age evidence of a child: a birth date under 18 (at least four days before the 18th birthday, so
 * a test that advances the clock a few days keeps a child), a declared child band, or none at all.
 */
const childEvidenceArb: fc.Arbitrary<Pick<AccountRecord, 'birthDate' | 'declaredBand'>> = fc.oneof(
  fc.integer({ min: 0, max: 18 * 365 }).map((days) => ({ birthDate: birthDaysAgo(days) })),
  fc.constantFrom<DeclarableAgeBand>('under13', '13-15', '16-17').map((declaredBand) => ({ declaredBand })),
  fc.constant({}),
);

const adultEvidenceArb: fc.Arbitrary<Pick<AccountRecord, 'birthDate' | 'declaredBand'>> = fc.oneof(
  fc.integer({ min: 18 * 366, max: 90 * 365 }).map((days) => ({ birthDate: birthDaysAgo(days) })),
  fc.constant({ declaredBand: 'adult' as const }),
);

const anyEvidenceArb = fc.oneof(childEvidenceArb, adultEvidenceArb, fc.constant({ birthDate: birthDaysAgo(-30) }));

const settingArb = fc.constantFrom(...SETTINGS);

/** Any stored override: any setting, any of its values (or a bad one), by the child or a guardian, maybe expired. */
const overrideArb: fc.Arbitrary<SettingOverride> = fc
  .record({
    def: settingArb,
    index: fc.nat(),
    bad: fc.boolean(),
    setBy: fc.constantFrom('self' as const, 'guardian' as const),
    expiresIn: fc.option(fc.integer({ min: -HOUR_MS, max: HOUR_MS }), { nil: undefined }),
  })
  .map(({ def, index, bad, setBy, expiresIn }) => ({
    key: def.key,
    value: bad && index % 7 === 0 ? 'bogus' : (def.values[index % def.values.length] ?? 'bogus'),
    setBy,
    ...(expiresIn !== undefined ? { sessionId: 's', expiresAt: NOW.getTime() + expiresIn } : {}),
  }));

const recordArb = (
  id: string,
  evidence: fc.Arbitrary<Pick<AccountRecord, 'birthDate' | 'declaredBand'>>,
): fc.Arbitrary<AccountRecord> =>
  fc
    .record({
      evidence,
      jurisdiction: fc.option(jurisdictionArb, { nil: undefined }),
      assurance: assuranceArb,
      settings: fc.array(overrideArb, { maxLength: 8 }),
    })
    .map(({ evidence: e, jurisdiction, assurance, settings }) => ({
      id,
      ...e,
      ...(jurisdiction !== undefined ? { jurisdiction } : {}),
      ...(assurance !== undefined ? { assuranceMethod: assurance } : {}),
      settings,
    }));

/** Mostly false, so that the interesting case (strangers) comes up often. */
const flagArb = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const relationshipArb: fc.Arbitrary<Relationship> = fc.record({
  connected: flagArb,
  blocked: flagArb,
  actorIsGuardian: flagArb,
  targetIsGuardian: flagArb,
  mutualConnections: fc.oneof(fc.constant(0), fc.nat({ max: 50 })),
});

const contextArb: fc.Arbitrary<DecisionContext | undefined> = fc.option(
  fc.record(
    {
      category: fc.oneof(fc.constantFrom(...CONTENT_CATEGORIES), fc.string({ maxLength: 6 })),
      kind: fc.constantFrom('comment', 'tag', 'mention', 'share', 'reaction', 'gift', 'record'),
      invitationAccepted: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

const TARGETED = ACTION_NAMES.filter((a) => ACTIONS[a].needsTarget);
const actionArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...ACTION_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('message.delete', '__proto__', 'toString', '') },
);

/** Exemptions a tenant might record, so properties also cover compiled profiles other than the default. */
const tenantArb: fc.Arbitrary<TenantPolicyConfig> = fc.record({
  defaultJurisdiction: jurisdictionArb,
  exemptions: fc.uniqueArray(
    fc.record({
      ruleId: fc.constantFrom('AGE-01', 'AGE-02', 'DEF-07', 'DEF-12', 'DEF-13', 'DEF-16', 'SG-03', 'DEF-09'),
      reason: fc.constant('documented deviation'),
    }),
    { selector: (e) => e.ruleId, maxLength: 3 },
  ),
});

type Outcome = { readonly decision: Decision } | { readonly error: string };
function outcomeOf(e: PolicyEngine, input: Parameters<PolicyEngine['decide']>[0]): Outcome {
  try {
    return { decision: e.decide(input) };
  } catch (error) {
    return { error: `${(error as { code?: string }).code ?? 'no code'}: ${(error as Error).message}` };
  }
}

const allows = (d: Decision): boolean => d.outcome === 'allow' || d.outcome === 'allow_with_warning';

describe('property: a child acting alone can never open itself to a stranger adult', () => {
  const step = fc.record({
    def: settingArb,
    index: fc.nat(),
    acknowledged: fc.boolean(),
    advanceMs: fc.integer({ min: 0, max: 2 * HOUR_MS }),
    endSession: fc.boolean(),
  });

  it('holds for every child band and jurisdiction and any sequence of the child’s own setting changes', () => {
    fc.assert(
      fc.property(
        childEvidenceArb,
        jurisdictionArb,
        recordArb('stranger', adultEvidenceArb),
        fc.nat({ max: 100 }),
        fc.array(step, { maxLength: 30 }),
        (evidence, jurisdiction, strangerRecord, mutualConnections, steps) => {
          const overrides = new Map<string, SettingOverride>();
          let now = NOW.getTime();
          let session = 1;
          const childRecord = (): AccountRecord => ({ id: 'child', ...evidence, jurisdiction, settings: [...overrides.values()] });
          const relationship: Relationship = {
            connected: false,
            blocked: false,
            actorIsGuardian: false,
            targetIsGuardian: false,
            mutualConnections,
          };

          const check = (): ResolvedAccount => {
            const at = new Date(now);
            const child = engine.resolveAccount(childRecord(), at);
            const stranger = engine.resolveAccount(strangerRecord, at);
            expect(child.child).toBe(true);
            expect(stranger.child).toBe(false);
            const label = (action: string): string =>
              `${action} ${child.band}/${jurisdiction} settings ${JSON.stringify(child.settings)}`;
            for (const action of [
              'message.send',
              'media.send',
              'media.download',
              'content.interact',
              'search.appear',
              'profile.view',
              'location.view',
              'connections.view',
              'livestream.join',
              'livestream.comment',
              'group.invite',
              'group.add',
            ]) {
              for (const kind of ['comment', 'record']) {
                const d = engine.decide({ action, actor: stranger, target: child, relationship, context: { kind } });
                expect(allows(d), label(action)).toBe(false);
              }
            }
            // Suggestions in either direction.
            expect(allows(engine.decide({ action: 'suggestion.show', actor: stranger, target: child, relationship })), label('suggest child')).toBe(
              false,
            );
            expect(allows(engine.decide({ action: 'suggestion.show', actor: child, target: stranger, relationship })), label('suggest adult')).toBe(
              false,
            );
            // DEF-03: never in the stranger's (or anyone else's) view of a connection list.
            expect(appearsInConnectionList(child, stranger.id)).toBe(false);
            return child;
          };

          check();
          for (const s of steps) {
            now += s.advanceMs;
            if (s.endSession) {
              for (const [key, o] of overrides) if (o.sessionId === `s${session}`) overrides.delete(key);
              session += 1;
            }
            const child = engine.resolveAccount(childRecord(), new Date(now));
            const value = s.def.values[s.index % s.def.values.length] ?? s.def.childDefault;
            const decision = engine.evaluateSettingChange({
              account: child,
              key: s.def.key,
              value,
              changedBy: 'self',
              acknowledgedWarning: s.acknowledged,
            });
            expect(DECISION_OUTCOMES).toContain(decision.outcome);
            if (decision.outcome === 'deny' || decision.outcome === 'require_guardian') expect(decision.apply).toBe(false);
            if (decision.apply) {
              overrides.set(s.def.key, {
                key: s.def.key,
                value,
                setBy: 'self',
                ...(decision.sessionScoped ? { sessionId: `s${session}`, expiresAt: now + 12 * HOUR_MS } : {}),
              });
            }
            check();
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('property: blocks', () => {
  it('decide never allows an action on a child by a blocked actor', () => {
    fc.assert(
      fc.property(
        tenantArb,
        recordArb('actor', anyEvidenceArb),
        recordArb('child', childEvidenceArb),
        relationshipArb,
        fc.constantFrom(...TARGETED),
        contextArb,
        (tenant, actorRecord, childRecord, relationship, action, context) => {
          const e = createPolicyEngine(tenant);
          const actor = e.resolveAccount(actorRecord, NOW);
          const target = e.resolveAccount(childRecord, NOW);
          fc.pre(target.child);
          const decision = e.decide({ action, actor, target, relationship: { ...relationship, blocked: true }, context });
          expect(decision.outcome, `${action}: ${decision.explanation}`).toBe('deny');
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('property: withholding age never helps an actor (AGE-01)', () => {
  const RANK: Record<Decision['outcome'], number> = { deny: 0, require_guardian: 1, allow_with_warning: 2, allow: 3 };

  it('towards a child, an actor of unknown age is never treated more permissively than the same actor as an adult', () => {
    fc.assert(
      fc.property(
        jurisdictionArb,
        fc.array(overrideArb, { maxLength: 6 }),
        recordArb('child', childEvidenceArb),
        relationshipArb,
        contextArb,
        (jurisdiction, settings, childRecord, relationship, context) => {
          const target = engine.resolveAccount(childRecord, NOW);
          fc.pre(target.child);
          const unknown = engine.resolveAccount({ id: 'actor', jurisdiction, settings }, NOW);
          const adult = engine.resolveAccount({ id: 'actor', jurisdiction, settings, declaredBand: 'adult' }, NOW);
          for (const action of TARGETED) {
            const asUnknown = engine.decide({ action, actor: unknown, target, relationship, context });
            const asAdult = engine.decide({ action, actor: adult, target, relationship, context });
            expect(RANK[asUnknown.outcome], `${action}: unknown ${asUnknown.outcome} vs adult ${asAdult.outcome}`).toBeLessThanOrEqual(
              RANK[asAdult.outcome],
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('property: decisions are deterministic and cite catalogue rules', () => {
  const inputArb = fc.record({
    tenant: tenantArb,
    actor: recordArb('actor', anyEvidenceArb),
    target: fc.option(recordArb('target', anyEvidenceArb), { nil: undefined }),
    relationship: fc.option(relationshipArb, { nil: undefined }),
    action: actionArb,
    context: contextArb,
  });

  it('the same input always gives the same decision (or the same error), on any engine for the same tenant', () => {
    fc.assert(
      fc.property(inputArb, ({ tenant, actor, target, relationship, action, context }) => {
        const results: Outcome[] = [];
        for (const e of [createPolicyEngine(tenant), createPolicyEngine(tenant)]) {
          const input = {
            action,
            actor: e.resolveAccount(actor, NOW),
            target: target && e.resolveAccount(target, NOW),
            relationship,
            context,
          };
          results.push(outcomeOf(e, input), outcomeOf(e, input));
        }
        for (const r of results) expect(r).toEqual(results[0]);
      }),
      { numRuns: RUNS },
    );
  });

  it('every decision has a known outcome, an explanation, and cites only rules in RULE_CATALOGUE; errors are typed', () => {
    fc.assert(
      fc.property(inputArb, ({ tenant, actor, target, relationship, action, context }) => {
        const e = createPolicyEngine(tenant);
        const result = outcomeOf(e, {
          action,
          actor: e.resolveAccount(actor, NOW),
          target: target && e.resolveAccount(target, NOW),
          relationship,
          context,
        });
        if ('error' in result) {
          expect(result.error).toMatch(/^(unknown_action|validation_failed): /);
          return;
        }
        expect(DECISION_OUTCOMES).toContain(result.decision.outcome);
        expect(result.decision.explanation.length).toBeGreaterThan(0);
        for (const id of result.decision.ruleIds) expect(findRule(id), id).toBeDefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('setting-change decisions cite only catalogue rules too', () => {
    fc.assert(
      fc.property(
        tenantArb,
        recordArb('account', anyEvidenceArb),
        settingArb,
        fc.nat(),
        fc.constantFrom('self' as const, 'guardian' as const),
        fc.boolean(),
        (tenant, record, def, index, changedBy, acknowledgedWarning) => {
          const e = createPolicyEngine(tenant);
          const account = e.resolveAccount(record, NOW);
          const value = def.values[index % def.values.length] ?? def.childDefault;
          const d = e.evaluateSettingChange({ account, key: def.key, value, changedBy, acknowledgedWarning });
          for (const id of d.ruleIds) expect(findRule(id), id).toBeDefined();
          expect(d.apply).toBe(d.outcome === 'allow');
        },
      ),
      { numRuns: RUNS },
    );
  });
});
