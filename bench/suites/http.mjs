// HTTP decisions against a real server process (embedded SQLite), load from this process with
// autocannon. Targets (issue 2): single decisions at 5,000 requests/s with p99 < 10 ms; the batch
// endpoint >= 100,000 decisions/s. Baseline in the same run: GET /healthz (no auth, no work).
import autocannon from 'autocannon';
import { fmt, machine, median, report } from '../lib.mjs';
import { api, startServerProcess } from '../server-process.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: DURATION, connections: 32, pipelining: 1, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

async function repeat(options) {
  const results = [];
  for (let i = 0; i < RUNS; i += 1) results.push(await cannon(options));
  const bad = results.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
  if (bad > 0) console.error('errors:', JSON.stringify(results.map((r) => ({ non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, codes: r.statusCodeStats }))));
  return {
    rps: median(results.map((r) => r.requests.average)),
    p50: median(results.map((r) => r.latency.p50)),
    p99: median(results.map((r) => r.latency.p99)),
    bad,
  };
}

export async function run() {
  const server = await startServerProcess();
  try {
    const year = new Date().getUTCFullYear();
    const ids = [];
    for (let i = 0; i < 1000; i += 1) {
      const age = [9, 12, 14, 16, 25, 40][i % 6];
      await api(server, 'PUT', `/v1/accounts/u${i}`, { birthDate: `${year - age}-03-01`, jurisdiction: ['UK', 'EU', 'US'][i % 3] });
      ids.push(`u${i}`);
    }
    for (let i = 0; i < 160; i += 1) {
      // Children start connections; the adult accepts.
      const child = `u${i * 6 + 2}`;
      const adult = `u${i * 6 + 4}`;
      await api(server, 'POST', '/v1/connections/request', { actor: child, target: adult });
      await api(server, 'POST', '/v1/connections/accept', { actor: adult, target: child });
    }
    const actions = ['message.send', 'message.send', 'suggestion.show', 'profile.view', 'location.view', 'search.appear'];
    const item = (i) => ({ action: actions[i % actions.length], actor: ids[(i * 7) % 1000], target: ids[(i * 13 + 5) % 1000] });
    const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
    const singles = Array.from({ length: 64 }, (_, i) => ({ method: 'POST', path: '/v1/decisions', headers, body: JSON.stringify(item(i)) }));
    const batches = Array.from({ length: 8 }, (_, b) => ({
      method: 'POST',
      path: '/v1/decisions',
      headers,
      body: JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => item(b * 1000 + i)) }),
    }));
    // Warm caches and the JIT.
    await cannon({ url: server.url, requests: singles, duration: 3 });
    await cannon({ url: server.url, requests: batches, duration: 3, connections: 4 });

    const health = await repeat({ url: `${server.url}/healthz` });
    const singleMax = await repeat({ url: server.url, requests: singles });
    // A platform backend keeps a pool of keep-alive connections; 16 carry 5,000 requests/s.
    const singleAt5k = await repeat({ url: server.url, requests: singles, overallRate: 5000, connections: 16 });
    const batch = await repeat({ url: server.url, requests: batches, connections: 4 });

    report(
      'http',
      `## HTTP decisions (issue 2: 5,000 single decisions/s with p99 < 10 ms; batch >= 100,000 decisions/s)

Command: \`npm run bench -- http\` · ${machine()} · ${new Date().toISOString().slice(0, 10)}

Server: \`safeguard serve\` in its own process on the embedded default (SQLite file), 1,000 accounts
(all bands, three jurisdictions), 160 connections; load from the benchmark process with autocannon,
32 connections (16 for the fixed rate, 4 for batches), ${DURATION} s per run, median of ${RUNS} runs after a warm-up. Both
processes share this machine's 2 cores.

| | requests/s | decisions/s | p50 ms | p99 ms | errors |
|---|---:|---:|---:|---:|---:|
| baseline: GET /healthz (no auth, no work) | ${fmt(health.rps)} | – | ${fmt(health.p50, 1)} | ${fmt(health.p99, 1)} | ${health.bad} |
| single decisions, as fast as possible | ${fmt(singleMax.rps)} | ${fmt(singleMax.rps)} | ${fmt(singleMax.p50, 1)} | ${fmt(singleMax.p99, 1)} | ${singleMax.bad} |
| single decisions at a fixed 5,000 requests/s | ${fmt(singleAt5k.rps)} | ${fmt(singleAt5k.rps)} | ${fmt(singleAt5k.p50, 1)} | **${fmt(singleAt5k.p99, 1)}** | ${singleAt5k.bad} |
| batches of 1,000 | ${fmt(batch.rps, 1)} | **${fmt(batch.rps * 1000)}** | ${fmt(batch.p50, 1)} | ${fmt(batch.p99, 1)} | ${batch.bad} |

Single decisions reach ${fmt((singleMax.rps / health.rps) * 100)}% of the no-op route's throughput.
Targets: 5,000/s with p99 < 10 ms ${singleAt5k.rps >= 4900 && singleAt5k.p99 < 10 ? 'met' : 'NOT met'};
batch >= 100,000 decisions/s ${batch.rps * 1000 >= 100_000 ? 'met' : 'NOT met'}.
`,
    );
  } finally {
    await server.stop();
  }
}
