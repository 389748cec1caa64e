import { api, startServerProcess } from './server-process.mjs';
const LINES = ['hey are you on tonight', 'yeah after dinner probably', 'did you see the new map update', 'lol that boss fight was brutal', 'can you help me with the quest', 'sure, the castle one right?', 'what level are you now', 'almost 40, grinding xp all weekend', 'my mum says i have to do homework first', 'ok no worries', 'that trade was a scam dont do it', 'gg everyone nice match', 'brb dinner', 'wanna team up tomorrow'];
function makeBatch(run, n) {
  const messages = [];
  for (let i = 0; i < 1000; i++) { const c = (n * 37 + (i >> 1)) % 500; messages.push({ idempotencyKey: `r${run}-b${n}-m${i}`, conversationId: `conv-${c}`, sender: `u${(c * 2 + (i & 1)) % 400}`, recipients: [`u${(c * 2 + 1 - (i & 1)) % 400}`], text: LINES[(n + i * 7) % LINES.length] }); }
  return JSON.stringify({ messages });
}
const server = await startServerProcess();
const year = new Date().getUTCFullYear();
for (let i = 0; i < 400; i++) await api(server, 'PUT', `/v1/accounts/u${i}`, { birthDate: `${year - (i % 2 === 0 ? 34 : 13)}-05-01` });
let n = 0; const t0 = Date.now(); let sent = 0;
async function worker() { while (Date.now() - t0 < 12000) { const body = makeBatch(1, n++); const r = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' }, body }); await r.arrayBuffer(); sent += 1000; } }
await Promise.all([worker(), worker(), worker(), worker()]);
console.log('rate', Math.round(sent / ((Date.now() - t0) / 1000)));
await server.stop();
