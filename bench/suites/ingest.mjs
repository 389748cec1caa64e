// POST /v1/messages end to end on the embedded default (issue 3: >= 20,000 messages/s with
// durable writes). A real server process with SQLite (synchronous=FULL: each batch is on disk
// before it is answered); load from this process: batches of 1,000 new messages over 500
// conversations, 4 requests in flight. Baseline in the same run: the same batches sent again,
// which the server answers from storage (validation, auth and the idempotency look-up only).
import { fmt, machine, median, report } from '../lib.mjs';
import { api, startServerProcess } from '../server-process.mjs';

const SECONDS = Number(process.env.BENCH_DURATION ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IN_FLIGHT = 4;
const BATCH = 1000;

// Synthetic chat lines written for the benchmark (no real chat text), 20-90 characters. Most
// conversations are ordinary; 2% carry grooming tactics, so alerts and cases are part of the load.
const LINES = [
  'hey are you on tonight', 'yeah after dinner probably', 'did you see the new map update', 'lol that boss fight was brutal',
  'can you help me with the quest', 'sure, the castle one right?', 'what level are you now', 'almost 40, grinding xp all weekend',
  'my mum says i have to do homework first', 'ok no worries', 'that trade was a scam dont do it', 'gg everyone nice match',
  'brb dinner', 'wanna team up tomorrow',
];
const RISKY = [
  'how old are you btw', 'keep this between us ok', 'add me on the other app its easier', 'you are so mature for your age',
  'want some free skins i can send a gift card', 'are your parents home right now',
];

function makeBatch(run, n) {
  const messages = [];
  for (let i = 0; i < BATCH; i += 1) {
    const c = (n * 37 + (i >> 1)) % 500;
    messages.push({
      idempotencyKey: `r${run}-b${n}-m${i}`,
      conversationId: `conv-${c}`,
      // Both sides talk: the two members of a conversation take turns.
      sender: `u${(c * 2 + (i & 1)) % 400}`,
      recipients: [`u${(c * 2 + 1 - (i & 1)) % 400}`],
      text: c % 50 === 0 && (i & 1) === 0 ? RISKY[(n + c) % RISKY.length] : LINES[(n + i * 7) % LINES.length],
    });
  }
  return JSON.stringify({ messages });
}

async function drive(server, bodies) {
  let next = 0;
  let sent = 0;
  const latencies = [];
  const deadline = Date.now() + SECONDS * 1000;
  const start = process.hrtime.bigint();
  async function worker() {
    while (Date.now() < deadline) {
      const body = bodies(next++);
      const t0 = process.hrtime.bigint();
      const response = await fetch(`${server.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        body,
      });
      if (response.status !== 200) throw new Error(`ingest failed: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      sent += BATCH;
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  return { rate: sent / seconds, p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] };
}

export async function run() {
  const server = await startServerProcess();
  try {
    const year = new Date().getUTCFullYear();
    for (let i = 0; i < 400; i += 1) {
      await api(server, 'PUT', `/v1/accounts/u${i}`, { birthDate: `${year - (i % 2 === 0 ? 34 : 13)}-05-01` });
    }
    // Warm-up run (also creates the conversations).
    const warm = [];
    for (let n = 0; n < 10; n += 1) warm.push(makeBatch(0, n));
    await drive(server, (n) => warm[n % warm.length]);

    const fresh = [];
    const again = [];
    for (let r = 1; r <= RUNS; r += 1) {
      fresh.push(await drive(server, (n) => makeBatch(r, n)));
      // Baseline: resend this run's first batches (all duplicates).
      const seen = Array.from({ length: 20 }, (_, n) => makeBatch(r, n));
      again.push(await drive(server, (n) => seen[n % seen.length]));
    }
    const rate = median(fresh.map((x) => x.rate));
    const baseRate = median(again.map((x) => x.rate));
    report(
      'ingest',
      `## Message ingestion, POST /v1/messages (issue 3: >= 20,000 messages/s with durable writes, embedded default)

Command: \`npm run bench -- ingest\` · ${machine()} · ${new Date().toISOString().slice(0, 10)}

A real \`safeguard serve\` process on SQLite (WAL, synchronous=FULL: every batch is on disk before it
is answered). 400 accounts (adults and 13-year-olds), batches of ${BATCH} new messages spread over 500
adult-child conversations in which both sides talk (2% of them carry grooming tactics from the adult:
those raise alerts and open cases early in the run, and their later messages are preserved as case
evidence),
${IN_FLIGHT} requests in flight from the benchmark process, ${SECONDS} s per run, median of
${RUNS} runs. Each message is validated, scored by the streaming grooming detector with its
conversation's stored state, and stored with that state and the participants' scores in one
transaction per batch.

| | messages/s | batch p50 ms | batch p99 ms |
|---|---:|---:|---:|
| new messages (detection + durable writes) | **${fmt(rate)}** | ${fmt(median(fresh.map((x) => x.p50)), 1)} | ${fmt(median(fresh.map((x) => x.p99)), 1)} |
| baseline: the same batches resent (answered from storage) | ${fmt(baseRate)} | ${fmt(median(again.map((x) => x.p50)), 1)} | ${fmt(median(again.map((x) => x.p99)), 1)} |

New messages cost ${fmt(baseRate / rate, 2)}× the time of answering duplicates.
Target ${rate >= 20_000 ? 'met' : 'NOT met'} (${fmt(rate / 20_000, 2)}× the 20,000/s target).
`,
    );
  } finally {
    await server.stop();
  }
}
