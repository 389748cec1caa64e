// Moderation pages at scale (issue 5): the queue and case pages answer in < 300 ms server time with
// 100,000 open cases. A real server process (embedded SQLite by default, `--postgres` for
// PostgreSQL at SAFEGUARD_TEST_POSTGRES_URL) is loaded with open cases, then each page is requested
// sequentially and timed from this process (localhost: the time is the server's plus well under a
// millisecond of transport). Baseline in the same run: GET /healthz.
//
// Seeding: BASE cases go through the real intake (openCaseFromAlert: triage, merge, evidence,
// timeline), which also measures intake throughput; the rest are copies of those rows made in SQL
// with fresh ids and subjects, so every table and index holds exactly what intake writes, at
// 100,000-case scale, in seconds rather than minutes. Each case keeps its own evidence (10
// messages), so case pages never touch the message store.
//   npm run bench -- cases [--write] [--cases 100000] [--postgres]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { CaseStore, SafeguardStore, openDatabase } from '../../packages/store/dist/index.js';
import { fmt, machine, median, percentile, report } from '../lib.mjs';
import { startServerProcess } from '../server-process.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const TOTAL = Number(arg('cases', process.env.BENCH_CASES ?? 100_000));
const BASE = Math.min(TOTAL, Number(arg('base', 2000)));
const REPEATS = Number(process.env.BENCH_REPEATS ?? 40);
const POSTGRES = process.argv.includes('--postgres');
const PG_URL = process.env.SAFEGUARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// Reasons give a realistic mix of severities: grooming and CSAM critical, contact risk and self-harm
// high, bullying medium, spam low.
const MIX = [
  { kind: 'grooming', reasonCode: null },
  { kind: 'contact-risk', reasonCode: null },
  { kind: 'hash-match', reasonCode: 'hash-match' },
  { kind: 'nudity', reasonCode: null },
  { kind: 'grooming', reasonCode: 'bullying' },
  { kind: 'grooming', reasonCode: 'self-harm' },
  { kind: 'grooming', reasonCode: 'spam' },
  { kind: 'grooming', reasonCode: 'scam' },
];

function alertFor(i, now) {
  const mix = MIX[i % MIX.length];
  const suspect = `sus-${i}`;
  const child = `kid-${i % 5000}`;
  const start = now - 86_400_000 * (i % 20) - 60_000 * (i % 1440);
  return {
    alertId: `seed-${i}`,
    kind: mix.kind,
    reasonCode: mix.reasonCode,
    accountId: suspect,
    otherAccountIds: [child],
    conversationId: `conv-${i}`,
    score: 0.5 + (i % 50) / 100,
    signals: [
      { type: 'age-probe', message: 2, participant: suspect },
      { type: 'secrecy', message: 5, participant: suspect },
      { type: 'media-request', message: 8, participant: suspect },
    ],
    timeline: Array.from({ length: 10 }, (_, k) => ({
      index: k,
      from: k % 2 ? child : suspect,
      ts: new Date(start + k * 45_000).toISOString(),
      text: `synthetic message ${k} of conversation ${i}, written for the benchmark`,
    })),
    hashMatches: mix.kind === 'hash-match' ? [{ bank: 'BENCH_BANK', distance: 4, label: 'bench' }] : undefined,
    raisedAt: new Date(start + 10 * 45_000).toISOString(),
  };
}

/** SQL that copies the base rows `copies` times with fresh ids and subjects. */
async function cloneCases(exec, dialect, tenantId, copies) {
  const rid = dialect === 'sqlite' ? 'lower(hex(randomblob(8)))' : "substr(md5(random()::text || clock_timestamp()::text), 1, 16)";
  const cols = async (table) =>
    dialect === 'sqlite'
      ? (await exec(`select name from pragma_table_info('${table}') order by cid`)).map((r) => r.name)
      : (await exec(`select column_name as name from information_schema.columns where table_name = '${table}' and table_schema = current_schema() order by ordinal_position`)).map((r) => r.name);
  // Driven from the (indexed) map of old to new case ids, so each copy reads only the base rows.
  const copy = async (table, caseColumn, overrides) => {
    const c = await cols(table);
    const select = c.map((name) => (name in overrides ? `${overrides[name]} as ${name}` : `t.${name}`)).join(', ');
    await exec(`insert into ${table} (${c.join(', ')}) select ${select} from bench_map m join ${table} t on t.tenant_id = '${tenantId}' and t.${caseColumn} = m.old`);
  };
  await exec(
    `create ${dialect === 'sqlite' ? 'temp ' : ''}table bench_base as select id from cases where tenant_id = '${tenantId}' and id in (select case_id from case_alerts where tenant_id = '${tenantId}' and alert_id like 'seed-%')`,
  );
  for (let k = 1; k <= copies; k += 1) {
    await exec('drop table if exists bench_map');
    await exec(`create ${dialect === 'sqlite' ? 'temp ' : ''}table bench_map as select id as old, 'cs_' || ${rid} as new from bench_base`);
    await exec('create index bench_map_old on bench_map (old)');
    const shift = k * 37_000;
    await copy('cases', 'id', { id: 'm.new', subject_account_id: `t.subject_account_id || '~${k}'`, sla_due_ms: `t.sla_due_ms - ${shift}`, opened_ms: `t.opened_ms - ${shift}` });
    await copy('case_participants', 'case_id', { case_id: 'm.new', account_id: `case when t.role = 'subject' then t.account_id || '~${k}' else t.account_id end` });
    await copy('case_alerts', 'case_id', { case_id: 'm.new', alert_id: `t.alert_id || '~${k}'`, account_id: `t.account_id || '~${k}'` });
    await copy('case_events', 'case_id', { case_id: 'm.new' });
    await copy('case_evidence', 'case_id', { case_id: 'm.new', id: `'ev_' || ${rid}` });
  }
  await exec('drop table if exists bench_base');
  await exec('drop table if exists bench_map');
}

async function time(server, method, path, body) {
  const start = process.hrtime.bigint();
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (response.status >= 400) throw new Error(`${method} ${path} -> ${response.status}: ${text.slice(0, 300)}`);
  return { ms, json: text ? JSON.parse(text) : null, bytes: text.length };
}

async function measure(server, label, make) {
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < 3; i += 1) await make(i); // warm-up
  for (let i = 0; i < REPEATS; i += 1) {
    const r = await make(i);
    samples.push(r.ms);
    bytes = r.bytes;
  }
  return { label, p50: median(samples), p95: percentile(samples, 95), max: Math.max(...samples), bytes };
}

export async function run() {
  let pgSchema = null;
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-cases-'));
  const file = join(dir, 'cases.sqlite');
  let databaseUrl = `sqlite:${file}`;
  if (POSTGRES) {
    pgSchema = `bench_cases_${randomBytes(4).toString('hex')}`;
    const u = new URL(PG_URL);
    u.searchParams.set('schema', pgSchema);
    databaseUrl = u.toString();
  }
  const server = await startServerProcess({ databaseUrl, tenant: 'bench-cases' });
  let handle;
  let pgClient;
  try {
    handle = openDatabase(POSTGRES ? databaseUrl : file);
    const store = SafeguardStore.fromHandle(handle);
    const tenants = await store.listTenants();
    const tenant = tenants[tenants.length - 1];
    const cases = new CaseStore(store);

    // 1. Real intake for the base cases.
    const now = Date.now();
    const intakeStart = performance.now();
    for (let b = 0; b < BASE; b += 250) {
      await store.transaction(async (tx) => {
        const c = new CaseStore(tx);
        for (let i = b; i < Math.min(BASE, b + 250); i += 1) await c.openCaseFromAlert(tenant.id, alertFor(i, now));
      });
    }
    const intakeRate = BASE / ((performance.now() - intakeStart) / 1000);
    console.error(`intake: ${BASE} alerts at ${intakeRate.toFixed(0)}/s`);

    // 2. Copies to TOTAL open cases.
    const copies = Math.ceil(TOTAL / BASE) - 1;
    const cloneStart = performance.now();
    if (POSTGRES) {
      pgClient = new pg.Client({ connectionString: PG_URL });
      await pgClient.connect();
      await pgClient.query(`set search_path = ${pgSchema}`);
      await cloneCases(async (q) => (await pgClient.query(q)).rows, 'postgres', tenant.id, copies);
      // Steady state after bulk loading: autovacuum would have set the visibility map by now,
      // which index-only scans (queue counts) depend on.
      await pgClient.query('vacuum analyze cases, case_participants, case_alerts, case_events, case_evidence, case_daily_counts');
    } else {
      const sqlite = new Database(file);
      sqlite.pragma('busy_timeout = 10000');
      sqlite.pragma('journal_mode = WAL');
      // Random-id inserts into large B-trees: a big page cache keeps the copy fast.
      sqlite.pragma('cache_size = -524288');
      const exec = async (q) => (/^\s*select/i.test(q) ? sqlite.prepare(q).all() : (sqlite.prepare(q).run(), []));
      sqlite.exec('begin');
      await cloneCases(exec, 'sqlite', tenant.id, copies);
      sqlite.exec('commit');
      sqlite.exec('analyze');
      sqlite.close();
    }
    // The copies bypassed intake: recount the per-day dashboard counters from the tables.
    await cases.rebuildDailyCounts(tenant.id);
    const cloneSeconds = (performance.now() - cloneStart) / 1000;
    console.error(`copies: ${copies} in ${cloneSeconds.toFixed(1)} s`);
    const counts = await cases.queueCounts(tenant.id, Date.now());
    const open = Object.values(counts).reduce((n, c) => n + c.open, 0);
    const evidence = await handle.db
      .selectFrom('case_evidence')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('tenant_id', '=', tenant.id)
      .executeTakeFirstOrThrow();

    // 3. Pages, sequentially, from the moderator console's point of view.
    const first = await time(server, 'GET', '/v1/cases?limit=50');
    let deepCursor = first.json.nextCursor;
    let deepPage = 2;
    for (let i = 0; i < 198 && deepCursor; i += 1) {
      const next = (await time(server, 'GET', `/v1/cases?limit=50&cursor=${deepCursor}`)).json.nextCursor;
      if (!next) break;
      deepCursor = next;
      deepPage += 1;
    }
    const ids = [];
    let c2 = null;
    for (let i = 0; i < 40; i += 1) {
      const page = await time(server, 'GET', `/v1/cases?limit=200${c2 ? `&cursor=${c2}` : ''}`);
      ids.push(...page.json.items.map((x) => x.id));
      c2 = page.json.nextCursor;
      if (!c2) break;
    }
    const pick = (i) => ids[(i * 7919) % ids.length];

    const results = [];
    results.push(await measure(server, 'baseline: GET /healthz', () => time(server, 'GET', '/healthz')));
    results.push(await measure(server, 'queue, first page (50, with counts per severity)', () => time(server, 'GET', '/v1/cases?limit=50')));
    results.push(await measure(server, `queue, page ${deepPage} (keyset cursor)`, () => time(server, 'GET', `/v1/cases?limit=50&cursor=${deepCursor}`)));
    results.push(await measure(server, 'queue, one severity (low)', () => time(server, 'GET', '/v1/cases?limit=50&severity=low')));
    results.push(await measure(server, 'queue, unassigned only', () => time(server, 'GET', '/v1/cases?limit=50&assigned=unassigned')));
    results.push(await measure(server, 'case page (why, 10-message timeline, participants, prior cases; audited)', (i) => time(server, 'GET', `/v1/cases/${pick(i)}`)));
    results.push(await measure(server, 'case evidence page', (i) => time(server, 'GET', `/v1/cases/${pick(i + 1)}/evidence`)));
    results.push(await measure(server, 'decision preview (statement of reasons, validated)', (i) => time(server, 'POST', `/v1/cases/${pick(i + 2)}/decision-preview`, { action: 'ban' })));
    results.push(await measure(server, 'take the next case (lock)', () => time(server, 'POST', '/v1/cases/next', {})));
    results.push(await measure(server, 'dashboard stats (30 days)', () => time(server, 'GET', '/v1/cases/stats')));
    const baseline = results[0].p50;
    const worst = Math.max(...results.slice(1).map((r) => r.p95));

    report(
      POSTGRES ? 'cases-postgres' : 'cases',
      `## Moderation pages at scale (issue 5: queue and case pages < 300 ms server time with 100,000 open cases)

Command: \`npm run bench -- cases${POSTGRES ? ' --postgres' : ''}\` · ${machine()} · ${new Date().toISOString().slice(0, 10)}

Server: \`safeguard serve\` in its own process on ${POSTGRES ? 'PostgreSQL' : 'the embedded default (SQLite file)'}, holding
**${fmt(open)} open cases** (${Object.entries(counts).map(([s, c]) => `${s} ${fmt(c.open)}`).join(', ')}) and ${fmt(Number(evidence.n))} evidence messages kept with them.
${fmt(BASE)} cases came through the real intake (\`openCaseFromAlert\`: triage, merge, evidence, timeline) at
**${fmt(intakeRate)} alerts/s** in batches of 250 per transaction; the rest are SQL copies of those rows with fresh
ids and subjects (${fmt(cloneSeconds, 1)} s). Requests are sequential, from this process over localhost,
${REPEATS} per row after 3 warm-ups, with an admin key (every case page is audited: one audit-chain append each).

| page | p50 ms | p95 ms | max ms | ratio to baseline (p50) | response bytes |
|---|---:|---:|---:|---:|---:|
${results.map((r) => `| ${r.label} | ${fmt(r.p50, 1)} | ${fmt(r.p95, 1)} | ${fmt(r.max, 1)} | ${r === results[0] ? '1' : fmt(r.p50 / baseline, 1)} | ${fmt(r.bytes)} |`).join('\n')}

Target: every page < 300 ms. Worst p95 here: **${fmt(worst, 1)} ms** — ${worst < 300 ? 'met' : 'NOT met'}.

Why it holds: the queue reads the index (tenant_id, status, severity_rank, sla_due_ms, id) in order and
pages by keyset (no OFFSET); counts per severity are one index-only range of that index per severity; a case page reads
its rows by (tenant_id, case_id) indexes and prior cases by (tenant_id, subject_account_id), and its
evidence is stored with the case, so no page scans the message store however many messages it holds.
The dashboard reads per-day counters kept at intake and decision (\`case_daily_counts\`), plus the
cases decided in the period for handling times and SLA breaches.
`,
    );
  } finally {
    await handle?.close();
    await pgClient?.end().catch(() => undefined);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    if (pgSchema) {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${pgSchema} cascade`);
      await client.end();
    }
  }
}
