// MessageBus: publish → consume → ack throughput (messages/s) and latency (publish call to ack
// confirmed), for the in-process bus (memory journal; file journal with fsync, the embedded
// default) and for NATS JetStream, each with 1 and 2 consumers.
// In-process consumers run in the benchmark process (the embedded mode is one process). NATS
// consumers are separate worker processes (forked from this file), as `safeguard worker` will be;
// the publisher stays here, playing the API nodes. NATS must answer at SAFEGUARD_TEST_NATS_URL
// (default nats://127.0.0.1:4222), else its rows say "skipped".
// Baseline, in the same process: a plain in-memory partitioned queue with the same publish and
// batch-handler shape and no durability, acks or redelivery bookkeeping, so the ratio shows what
// the bus itself costs over handing messages to a function.
// Options: --messages N (in-process, default 50,000), --nats-messages N (default 20,000).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileJournal, createInProcessBus, createMemoryJournal, createNatsBus, partitionOf } from '../../packages/bus/dist/index.js';
import { fmt, machine, median, percentile, report } from '../lib.mjs';

const NATS_URL = process.env.SAFEGUARD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const PARTITIONS = 16;
const CONVERSATIONS = 1000;
const BATCH = 100;
const PUBLISHERS = 4;
const RUNS = 5;
const PACED_RATE = 2000;
const PACED_SECONDS = 3;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A message body the size of an ingest envelope (ids, participants, a short text): ~300 bytes.
const filler = 'x'.repeat(200);
let nextId = 0;
function batchOf(n) {
  const t = clock();
  const messages = [];
  for (let i = 0; i < n; i += 1) {
    const id = nextId++;
    const conversation = id % CONVERSATIONS;
    messages.push({
      id: `bench-${process.pid}-${id}`,
      key: `tenant-bench/conversation-${conversation}`,
      data: encoder.encode(JSON.stringify({ t, sender: `account-${conversation}`, recipients: [`account-${conversation + 1}`], text: filler })),
    });
  }
  return messages;
}

/** Acks a batch and records each message's latency (publish call → ack confirmed). */
async function ackAndRecord(batch, sink) {
  await Promise.all(batch.deliveries.map((d) => d.ack()));
  const done = clock();
  for (const d of batch.deliveries) sink.latencies.push(done - JSON.parse(decoder.decode(d.data)).t);
  sink.count += batch.deliveries.length;
}

/** Publishes `total` messages from PUBLISHERS concurrent callers as fast as the bus takes them. */
async function saturate(publish, sink, total) {
  sink.reset();
  const start = clock();
  let sent = 0;
  const publisher = async () => {
    while (sent < total) {
      const n = Math.min(BATCH, total - sent);
      sent += n;
      await publish(batchOf(n));
    }
  };
  await Promise.all(Array.from({ length: PUBLISHERS }, publisher));
  while ((await sink.consumed()) < total) await sleep(2);
  const seconds = (clock() - start) / 1000;
  const latencies = await sink.collect();
  return { rate: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Publishes at a steady PACED_RATE (batches of 20 every 10 ms) to see latency without a backlog. */
async function paced(publish, sink) {
  sink.reset();
  const total = PACED_RATE * PACED_SECONDS;
  const perTick = 20;
  const tickMs = (1000 * perTick) / PACED_RATE;
  const start = clock();
  const pending = [];
  for (let sent = 0; sent < total; sent += perTick) {
    pending.push(publish(batchOf(perTick)));
    const due = start + ((sent + perTick) / PACED_RATE) * 1000;
    await sleep(Math.max(0, due - clock()));
  }
  await Promise.all(pending);
  while ((await sink.consumed()) < total) await sleep(2);
  const latencies = await sink.collect();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), tickMs };
}

function localSink() {
  const sink = {
    count: 0,
    latencies: [],
    reset() {
      sink.count = 0;
      sink.latencies = [];
    },
    consumed: () => Promise.resolve(sink.count),
    collect: () => Promise.resolve(sink.latencies),
  };
  return sink;
}

/** The baseline: partitioned arrays, batches of up to 100 handed to the same handler shape. */
function baselineBus() {
  const queues = Array.from({ length: PARTITIONS }, () => []);
  let handler;
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    for (let p = 0; p < PARTITIONS; p += 1) {
      while (queues[p].length > 0) {
        const deliveries = queues[p].splice(0, BATCH).map((m) => ({ ...m, ack: () => Promise.resolve() }));
        await handler({ partition: p, deliveries });
      }
    }
  };
  return {
    publish(messages) {
      for (const m of messages) queues[partitionOf(m.key, PARTITIONS)].push(m);
      if (!scheduled) {
        scheduled = true;
        Promise.resolve().then(flush);
      }
      return Promise.resolve(messages.map((m) => ({ id: m.id })));
    },
    consume(h) {
      handler = h;
    },
  };
}

async function measure(publish, sink, total) {
  await saturate(publish, sink, Math.min(total, 5000)); // warm-up
  const runs = [];
  for (let i = 0; i < RUNS; i += 1) runs.push(await saturate(publish, sink, total));
  const steady = await paced(publish, sink);
  return {
    rate: median(runs.map((r) => r.rate)),
    min: Math.min(...runs.map((r) => r.rate)),
    max: Math.max(...runs.map((r) => r.rate)),
    p99: median(runs.map((r) => r.p99)),
    pacedP50: steady.p50,
    pacedP99: steady.p99,
  };
}

async function inProcess(journal, consumers, total) {
  const bus = await createInProcessBus({ journal, partitions: PARTITIONS, maxPending: 1_000_000 });
  const sink = localSink();
  for (let i = 0; i < consumers; i += 1) await bus.consume((batch) => ackAndRecord(batch, sink), { maxBatch: BATCH, maxInFlight: 1000 });
  try {
    return await measure((m) => bus.publish(m), sink, total);
  } finally {
    await bus.close();
  }
}

// ---- NATS: worker processes --------------------------------------------------------------

async function natsAvailable() {
  try {
    const bus = await createNatsBus({ servers: NATS_URL, stream: `SG_BENCH_PROBE_${process.pid}`, subjectPrefix: `sgbench.probe${process.pid}`, partitions: 1, timeoutMs: 2000 });
    await bus.close();
    await deleteStreams(`SG_BENCH_PROBE_${process.pid}`);
    return true;
  } catch {
    return false;
  }
}

async function deleteStreams(prefix) {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  for await (const info of jsm.streams.list()) if (info.config.name.startsWith(prefix)) await jsm.streams.delete(info.config.name);
  await nc.close();
}

function natsOptions(token) {
  return { servers: NATS_URL, stream: `SG_BENCH_${token}`, subjectPrefix: `sgbench.${token}`, durable: `sgbench-${token}`, partitions: PARTITIONS, maxPending: 1_000_000 };
}

/** Forks `consumers` worker processes; each consumes, acks and reports counts and latencies. */
async function natsWorkers(options, consumers) {
  const self = fileURLToPath(import.meta.url);
  const workers = [];
  for (let i = 0; i < consumers; i += 1) {
    const child = fork(self, ['--bus-worker', JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const state = { child, count: 0, partitions: 0, waiting: [] };
    child.on('message', (m) => {
      if (m.type === 'progress') {
        state.count = m.count;
        state.partitions = m.partitions;
      } else if (m.type === 'latencies') state.waiting.shift()?.(m.latencies);
    });
    await new Promise((resolve, reject) => {
      child.once('message', (m) => (m.type === 'ready' ? resolve() : reject(new Error(String(m.error)))));
      child.once('exit', (code) => reject(new Error(`bus worker exited with ${code}`)));
    });
    workers.push(state);
  }
  // Wait until the partitions are split (lease rebalancing runs every leaseTtlMs / 4).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !workers.every((w) => w.partitions === PARTITIONS / consumers)) await sleep(100);
  const sink = {
    reset() {
      for (const w of workers) w.child.send({ type: 'reset' });
      for (const w of workers) w.count = 0;
    },
    consumed: () => Promise.resolve(workers.reduce((n, w) => n + w.count, 0)),
    collect: async () => {
      const parts = await Promise.all(
        workers.map(
          (w) =>
            new Promise((resolve) => {
              w.waiting.push(resolve);
              w.child.send({ type: 'collect' });
            }),
        ),
      );
      return parts.flat();
    },
    stop: () =>
      Promise.all(
        workers.map(
          (w) =>
            new Promise((resolve) => {
              w.child.once('exit', resolve);
              w.child.send({ type: 'stop' });
            }),
        ),
      ),
  };
  return sink;
}

async function nats(consumers, total) {
  const token = `${process.pid}_${consumers}`;
  const options = natsOptions(token);
  const bus = await createNatsBus(options);
  const sink = await natsWorkers(options, consumers);
  try {
    return await measure((m) => bus.publish(m), sink, total);
  } finally {
    await sink.stop();
    await bus.close();
    await deleteStreams(options.stream);
  }
}

/**
 * The NATS baseline, in this process: the raw JetStream client on one work-queue stream — a
 * js.publish per message (same batches and callers) and one pull consumer acking each message
 * with a confirmed ack; no partitions, ordering, leases or bounds.
 */
async function natsRaw(total) {
  const { connect } = await import('@nats-io/transport-node');
  const { AckPolicy, RetentionPolicy, jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const stream = `SG_BENCH_RAW_${process.pid}`;
  const subject = `sgbench.raw${process.pid}`;
  await jsm.streams.add({ name: stream, subjects: [`${subject}.*`], retention: RetentionPolicy.Workqueue, max_msgs: 1_000_000 });
  await jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit });
  const messages = await (await js.consumers.get(stream, 'raw')).consume({ max_messages: 1000 });
  const sink = localSink();
  void (async () => {
    for await (const m of messages) {
      const t = JSON.parse(decoder.decode(m.data)).t;
      void m.ackAck().then(() => {
        sink.latencies.push(clock() - t);
        sink.count += 1;
      });
    }
  })();
  const publish = (batch) => Promise.all(batch.map((m) => js.publish(`${subject}.${partitionOf(m.key, PARTITIONS)}`, m.data, { msgID: m.id })));
  try {
    return await measure(publish, sink, total);
  } finally {
    messages.stop();
    await jsm.streams.delete(stream);
    await nc.close();
  }
}

async function worker(options) {
  const bus = await createNatsBus(options);
  const sink = localSink();
  const consumer = await bus.consume((batch) => ackAndRecord(batch, sink), { maxBatch: BATCH, maxInFlight: 1000 });
  const timer = setInterval(() => process.send({ type: 'progress', count: sink.count, partitions: consumer.partitions().length }), 20);
  process.on('message', async (m) => {
    if (m.type === 'reset') sink.reset();
    else if (m.type === 'collect') process.send({ type: 'latencies', latencies: sink.latencies });
    else if (m.type === 'stop') {
      clearInterval(timer);
      await bus.close();
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
}

// ---- report --------------------------------------------------------------------------------

export async function run(args = []) {
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const total = option('--messages', 50_000);
  const natsTotal = option('--nats-messages', 20_000);

  const loadBefore = loadavg()[0];
  const base = baselineBus();
  const baseSink = localSink();
  base.consume((batch) => ackAndRecord(batch, baseSink));
  const baseline = await measure((m) => base.publish(m), baseSink, total);

  const rows = [];
  const row = (name, r, n) => rows.push({ name, r, n });
  row('in-process, memory journal, 1 consumer', await inProcess(createMemoryJournal(), 1, total), total);
  row('in-process, memory journal, 2 consumers', await inProcess(createMemoryJournal(), 2, total), total);
  for (const consumers of [1, 2]) {
    const dir = mkdtempSync(join(tmpdir(), 'sg-bench-bus-'));
    try {
      row(`in-process, file journal (fsync), ${consumers} consumer${consumers > 1 ? 's' : ''}`, await inProcess(createFileJournal(dir), consumers, total), total);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const natsUp = await natsAvailable();
  const natsRows = [];
  const natsBaseline = natsUp ? await natsRaw(natsTotal) : null;
  for (const consumers of [1, 2]) {
    const name = `NATS bus, ${consumers} worker process${consumers > 1 ? 'es' : ''}`;
    natsRows.push({ name, r: natsUp ? await nats(consumers, natsTotal) : null, n: natsTotal });
  }

  const loadAfter = loadavg()[0];
  const line = (baseRate) => ({ name, r, n }) =>
    r
      ? `| ${name} | ${fmt(n)} | **${fmt(r.rate)}** | ${fmt(r.min)}–${fmt(r.max)} | ${fmt(r.p99, 1)} | ${fmt(r.pacedP50, 2)} | ${fmt(r.pacedP99, 2)} | ${fmt(baseRate / r.rate, 2)}× |`
      : `| ${name} | – | skipped: NATS not reachable at ${NATS_URL} | | | | | |`;
  const header = `| bus | messages/run | saturated messages/s (median) | min–max | saturated p99 ms | steady p50 ms | steady p99 ms | time per message vs baseline |
|---|---:|---:|---:|---:|---:|---:|---:|`;
  const baseLine = (name, r, n) => line(r.rate)({ name, r, n }).replace(/\*\*/g, '');
  const natsBaseLine = natsBaseline
    ? baseLine('baseline: raw JetStream client in this process (js.publish per message, one pull consumer, confirmed acks)', natsBaseline, natsTotal)
    : `| baseline: raw JetStream client | – | skipped: NATS not reachable at ${NATS_URL} | | | | | |`;

  report(
    'bus',
    `## Message bus: publish → consume → ack

Command: \`npm run bench -- bus\` · ${machine()} · ${new Date().toISOString().slice(0, 10)} ·
load average ${fmt(loadBefore, 1)} before, ${fmt(loadAfter, 1)} after (other work on the machine shares its cores)

Workload: ~300-byte messages over ${fmt(CONVERSATIONS)} conversations and ${PARTITIONS} partitions, published in
batches of ${BATCH} by ${PUBLISHERS} concurrent callers (the API nodes' role); consumers take batches of up to
${BATCH} (maxInFlight 1,000) and ack every message, confirmed. Latency is from the publish call to the
ack confirmed. "Saturated" pushes as fast as the bus accepts (median of ${RUNS} runs after a warm-up; its
p99 is mostly queueing behind the backlog); "steady" publishes ${fmt(PACED_RATE)} messages/s for
${PACED_SECONDS} s. In-process consumers share the benchmark process; NATS consumers are separate
worker processes on this machine, with the NATS server and the publisher (${fmt(natsTotal)} messages a run).

### In-process (embedded default)

${header}
${baseLine('baseline: in-memory partitioned queue, same handler shape, no durability', baseline, total)}
${rows.map(line(baseline.rate)).join('\n')}

### NATS JetStream

${header}
${natsBaseLine}
${natsRows.map(line(natsBaseline?.rate ?? 0)).join('\n')}

The file journal fsyncs every publish batch before acknowledging it (group commit: concurrent
publishes share one fsync); acks and delivery marks are written without fsync. NATS persists each
message to its file store before the PubAck (nats-server 2.9 fsyncs on its own interval); acks are
confirmed requests. A ratio below 1× means the run was faster than its baseline: on a shared
machine the spread between runs (min–max) is wider than the bus's own cost.
`,
  );
}

if (process.argv[2] === '--bus-worker') await worker(JSON.parse(process.argv[3]));
