// Soak (issue 7): the embedded server ingesting at 50% of its measured maximum for 10 minutes
// (BENCH_SOAK_MINUTES), sampling the server's resident memory every 10 s. Memory growth is the
// least-squares slope after the first minute (warm-up: caches and JIT fill), reported with the
// first and last samples.
import { readFileSync } from 'node:fs';
import { fmt, machine, report } from '../lib.mjs';
import { api, startServerProcess } from '../server-process.mjs';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
const BATCH = 500;
const LINES = ['hey are you on tonight', 'yeah after dinner', 'did you see the update', 'gg nice match', 'how old are you', 'see you tomorrow'];

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

function batch(n) {
  return JSON.stringify({
    messages: Array.from({ length: BATCH }, (_, i) => {
      const c = (n * 131 + i) % 5000;
      return { idempotencyKey: `s-${n}-${i}`, conversationId: `c${c}`, sender: `u${(c * 2) % 400}`, recipients: [`u${(c * 2 + 1) % 400}`], text: LINES[(n + i) % LINES.length] };
    }),
  });
}

async function post(server, body) {
  const r = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' }, body });
  if (r.status !== 200) throw new Error(`ingest ${r.status}`);
  await r.arrayBuffer();
}

export async function run() {
  const server = await startServerProcess();
  try {
    const year = new Date().getUTCFullYear();
    for (let i = 0; i < 400; i += 1) await api(server, 'PUT', `/v1/accounts/u${i}`, { birthDate: `${year - (i % 2 ? 12 : 30)}-01-01` });
    // Maximum: 20 s flat out with 4 requests in flight.
    let n = 0;
    const until = Date.now() + 20_000;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 4 }, async () => { while (Date.now() < until) await post(server, batch(n++)); }));
    const max = (n * BATCH) / ((performance.now() - t0) / 1000);
    const target = max / 2;
    const interval = (BATCH / target) * 1000;
    const samples = [];
    const start = Date.now();
    const end = start + MINUTES * 60_000;
    let nextSample = start;
    let sent = 0;
    let late = 0;
    let due = performance.now();
    while (Date.now() < end) {
      if (Date.now() >= nextSample) {
        samples.push({ t: (Date.now() - start) / 60_000, rss: rssMiB(server.pid) });
        nextSample += 10_000;
      }
      await post(server, batch(n++));
      sent += BATCH;
      due += interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else late += 1;
    }
    samples.push({ t: (Date.now() - start) / 60_000, rss: rssMiB(server.pid) });
    const steady = samples.filter((s) => s.t >= 1);
    const mx = steady.reduce((a, s) => a + s.t, 0) / steady.length;
    const my = steady.reduce((a, s) => a + s.rss, 0) / steady.length;
    const slope = steady.reduce((a, s) => a + (s.t - mx) * (s.rss - my), 0) / steady.reduce((a, s) => a + (s.t - mx) ** 2, 0);
    const first = steady[0];
    const last = steady[steady.length - 1];
    report(
      'soak',
      `## Soak at 50% of maximum ingest (issue 7: no memory growth)

Command: \`npm run bench -- soak\` · ${machine()} · ${new Date().toISOString().slice(0, 10)}

Embedded server process (SQLite). Maximum measured first in the same run: ${fmt(max)} messages/s
(20 s, 4 requests in flight). Then ${MINUTES} minutes at ${fmt(target)} messages/s (batches of ${BATCH} over 5,000
conversations; ${fmt(sent)} messages; ${late} batches started late), sampling the server's RSS every 10 s.

| | value |
|---|---:|
| RSS after the first minute | ${fmt(first?.rss ?? 0, 1)} MiB |
| RSS at the end | ${fmt(last?.rss ?? 0, 1)} MiB |
| least-squares growth after minute 1 | **${fmt(slope, 2)} MiB/min** |
| samples | ${samples.length} |

RSS samples (minute: MiB): ${samples.map((s) => `${fmt(s.t, 1)}: ${fmt(s.rss, 0)}`).join(', ')}
`,
    );
  } finally {
    await server.stop();
  }
}
