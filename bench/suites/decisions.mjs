// In-process decisions: the pure policy engine deciding pre-resolved interactions.
// Target (issue 2): >= 1,000,000 decisions per second on one core (median of runs).
// Baseline, in the same process: a function with the same call shape that returns a constant
// decision, so the ratio shows what the policy itself costs over a bare call.
import { createPolicyEngine } from '../../packages/policy/dist/index.js';
import { fmt, machine, measureThroughput, report } from '../lib.mjs';

export async function run() {
  const engine = createPolicyEngine();
  const now = new Date();
  const year = now.getUTCFullYear();
  const jurisdictions = ['UK', 'EU', 'US', 'other'];
  const accounts = [];
  const records = [];
  for (let i = 0; i < 2000; i += 1) {
    const age = [8, 11, 13, 14, 15, 16, 17, 25, 34, 41, 60][i % 11];
    records.push({
          id: `a${i}`,
          birthDate: i % 17 === 0 ? null : (year - age) * 10000 + 101,
          jurisdiction: jurisdictions[i % 4],
          assuranceMethod: i % 3 === 0 ? 'id-document' : 'self-declared',
          settings: i % 5 === 0 ? [{ key: 'design.autoplay', value: 'on', setBy: 'self' }] : [],
    });
    accounts.push(engine.resolveAccount(records[i], now));
  }
  const recordOf = new Map(records.map((r) => [r.id, r]));
  const actions = [
    'message.send', 'message.send', 'message.send', 'media.send', 'suggestion.show', 'suggestion.show',
    'search.appear', 'profile.view', 'connections.view', 'location.view', 'connection.request',
    'livestream.comment', 'group.add', 'content.interact', 'content.view',
  ];
  const categories = ['violence', 'pornography', 'gambling'];
  let seed = 42;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const inputs = [];
  for (let i = 0; i < 10_000; i += 1) {
    const action = actions[rand(actions.length)];
    inputs.push({
      action,
      actor: accounts[rand(accounts.length)],
      target: accounts[rand(accounts.length)],
      relationship: {
        connected: rand(4) === 0,
        blocked: rand(50) === 0,
        actorIsGuardian: rand(100) === 0,
        targetIsGuardian: false,
        mutualConnections: rand(3),
      },
      context: action === 'content.view' ? { category: categories[rand(3)] } : { kind: 'comment' },
    });
  }
  const constant = Object.freeze({ outcome: 'allow', ruleIds: [], explanation: '' });
  const baselineDecide = (input) => (input.actor === input.target ? null : constant);

  let sink = 0;
  const loop = (decide) => (n) => {
    for (let i = 0; i < n; i += 1) {
      const d = decide(inputs[i % inputs.length]);
      if (d && d.outcome === 'deny') sink += 1;
    }
  };
  const iterations = 2_000_000;
  const baseline = measureThroughput(loop(baselineDecide), { iterations, runs: 7 });
  const policy = measureThroughput(loop((input) => engine.decide(input)), { iterations, runs: 7 });
  // Resolving both accounts from their stored records on every decision (what a cache miss costs).
  const withResolve = measureThroughput(
    loop((input) =>
      engine.decide({
        ...input,
        actor: engine.resolveAccount(recordOf.get(input.actor.id), now),
        target: engine.resolveAccount(recordOf.get(input.target.id), now),
      }),
    ),
    { iterations: iterations / 10, runs: 5 },
  );
  const outcomes = {};
  for (const input of inputs) {
    const d = engine.decide(input);
    outcomes[d.outcome] = (outcomes[d.outcome] ?? 0) + 1;
  }

  report(
    'decisions',
    `## In-process decisions (issue 2: >= 1,000,000/s on one core)

Command: \`npm run bench -- decisions\` · ${machine()} · ${new Date().toISOString().slice(0, 10)}

Workload: 10,000 pre-resolved interactions over 2,000 accounts (all bands, four jurisdictions),
15 action types weighted towards messages; outcome mix ${JSON.stringify(outcomes)}.
${iterations.toLocaleString('en-US')} decisions per run, 7 runs after a warm-up, one thread.

| | median decisions/s | min | max |
|---|---:|---:|---:|
| policy engine (\`engine.decide\`) | **${fmt(policy.median)}** | ${fmt(policy.min)} | ${fmt(policy.max)} |
| resolve both accounts from stored records, then decide | ${fmt(withResolve.median)} | ${fmt(withResolve.min)} | ${fmt(withResolve.max)} |
| baseline: constant decision, same call shape | ${fmt(baseline.median)} | ${fmt(baseline.min)} | ${fmt(baseline.max)} |

Policy cost relative to the bare call: ${fmt(baseline.median / policy.median, 2)}× the time per decision.
Target ${policy.median >= 1_000_000 ? 'met' : 'NOT met'} (${fmt(policy.median / 1_000_000, 2)}× the 1,000,000/s target).
`,
  );
  if (sink < 0) console.log(sink);
}
