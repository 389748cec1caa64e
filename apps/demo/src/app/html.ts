/**
 * Server-rendered HTML for the reference platform: plain forms, no script, one stylesheet from the
 * same origin, so the pages work offline under a strict Content-Security-Policy. Every value that
 * came from a user or from Safeguard is escaped by `esc`. A received picture Safeguard asked to
 * blur stays blurred until the child ticks "show it" (CSS only: the choice is the child's).
 */
import type { ChatMessage, Decision, Profile, RefusedAttempt } from './platform.js';

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f5f8;color:#1d2433}
header{display:flex;gap:16px;align-items:center;padding:10px 20px;background:#24304a;color:#fff}header a{color:#fff;text-decoration:none}
header .brand{font-weight:700}header .me{margin-left:auto;opacity:.9}main{max-width:920px;margin:20px auto;padding:0 16px}
.card{background:#fff;border-radius:10px;padding:16px 18px;margin-bottom:16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:0 0 10px}ul.plain{list-style:none;padding:0;margin:0}ul.plain li{padding:6px 0;border-bottom:1px solid #eef0f4}
.btn,button{display:inline-block;border:0;border-radius:6px;padding:6px 12px;background:#3457d5;color:#fff;font:inherit;cursor:pointer;text-decoration:none}
.btn.secondary,button.secondary{background:#e6e9f2;color:#1d2433}button.danger{background:#b3261e}form.inline{display:inline}
.decision{border-left:4px solid #b3261e;background:#fdf1f0;padding:10px 12px;border-radius:6px;margin:10px 0}
.decision.warn{border-color:#c77700;background:#fff7e6}.decision.ok{border-color:#1e7d3a;background:#eef8f0}
.rules{font-size:12px;color:#5b6275}.muted{color:#5b6275;font-size:13px}.tag{display:inline-block;font-size:11px;padding:1px 6px;border-radius:9px;background:#e6e9f2;margin-left:4px}
.chat{display:flex;flex-direction:column;gap:8px}.msg{max-width:75%;padding:8px 12px;border-radius:12px;background:#e9ecf5}
.msg.mine{align-self:flex-end;background:#dbe6ff}.msg .meta{font-size:11px;color:#5b6275;margin-top:2px}
.prompt{border:1px solid #c77700;background:#fff7e6;border-radius:8px;padding:8px 10px;margin-top:6px;font-size:13px}
textarea{width:100%;min-height:60px;font:inherit;padding:8px;border-radius:6px;border:1px solid #c9cedb}
.pics{display:flex;gap:10px;flex-wrap:wrap}.pics label{display:flex;flex-direction:column;align-items:center;font-size:12px}
.pics img{width:72px;height:72px;border-radius:6px}.photo{position:relative;display:inline-block}.photo img{width:192px;height:192px;border-radius:8px;display:block}
.photo.blurred img{filter:blur(18px)}.photo.blurred input:checked ~ img{filter:none}.photo .reveal{font-size:12px;display:block;margin-top:4px}
.people{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px}.person{padding:10px;border:1px solid #e1e5ee;border-radius:8px;background:#fafbfd}
`;

export function layout(title: string, me: Profile | undefined, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Playground (Safeguard demo)</title><link rel="stylesheet" href="/static/demo.css"></head><body>
<header><a class="brand" href="/home">Playground</a><span class="muted" style="color:#cfd6ea">a reference platform protected by Safeguard</span>
<span class="me">${me ? `signed in as <b>${esc(me.name)}</b> · <a href="/">switch</a>` : '<a href="/">sign in</a>'}</span></header>
<main>${body}</main></body></html>`;
}

/** A Safeguard decision as the user sees it: the outcome, the explanation and the rules behind it. */
export function decisionBox(decision: Decision, headline: string): string {
  const kind = decision.outcome === 'allow' ? 'ok' : decision.outcome === 'allow_with_warning' ? 'warn' : '';
  return `<div class="decision ${kind}" data-outcome="${esc(decision.outcome)}"><b>${esc(headline)}</b><div>${esc(decision.explanation)}</div>
<div class="rules">Safeguard decision: ${esc(decision.outcome)}${decision.ruleIds.length ? ` · rules ${decision.ruleIds.map(esc).join(', ')}` : ''}</div></div>`;
}

/** The safety prompt shown to a child before a risky step (DEF-13 / ICU F2), with where to get help. */
export function safetyPrompt(decision: Decision, confirmForm: string): string {
  return `<div class="decision warn" data-outcome="allow_with_warning"><b>Before you go on</b>
<div>${esc(decision.explanation)}</div>
<div class="muted">Not sure? Talk to a parent, carer or teacher you trust, or to Childline (0800 1111). You can block or report anyone at any time.</div>
<div class="rules">Safeguard decision: allow_with_warning${decision.ruleIds.length ? ` · rules ${decision.ruleIds.map(esc).join(', ')}` : ''}</div>
${confirmForm}</div>`;
}

const SIGNAL_WORDS: Record<string, string> = {
  secrecy: 'asks you to keep secrets',
  'off-platform-move': 'wants to move to another app',
  'isolation-probe': 'asks whether you are alone or what your parents know',
  'media-request': 'asks for pictures or video',
  meeting: 'wants to meet',
  'gift-offer': 'offers gifts or money',
  'age-probe': 'asks your age',
  flattery: 'flatters you',
  sexualisation: 'says sexual things',
  threat: 'threatens you',
};

export function messageView(m: ChatMessage, viewer: string, nameOf: (id: string) => string): string {
  const mine = m.from === viewer;
  const parts: string[] = [];
  if (m.text !== null) parts.push(`<div>${esc(m.text)}</div>`);
  if (m.image) {
    const delivery = m.image.deliveries[viewer];
    const blurred = !mine && (delivery === 'deliver_blurred' || m.image.outcome === 'deliver_blurred');
    parts.push(
      blurred
        ? `<label class="photo blurred" data-blurred="true"><input type="checkbox" class="reveal-toggle"><img src="/pictures/${esc(m.image.pictureId)}.png" alt="a picture, blurred"><span class="reveal">This picture may show nudity, so it is blurred. Tick to see it — only if you want to.</span></label>`
        : `<span class="photo" data-blurred="false"><img src="/pictures/${esc(m.image.pictureId)}.png" alt="a picture"></span>`,
    );
  }
  const meta: string[] = [`${esc(nameOf(m.from))} · ${esc(m.at.slice(11, 16))}`];
  if (mine && m.action === 'hold_for_review') meta.push('<span class="tag">held for review: not delivered</span>');
  if (mine && m.image && m.image.outcome !== 'deliver') meta.push(`<span class="tag">${esc(m.image.outcome)}</span>`);
  let prompt = '';
  if (!mine && m.action === 'deliver_with_warning') {
    const reasons = m.signals.map((s) => SIGNAL_WORDS[s]).filter((s): s is string => Boolean(s));
    prompt = `<div class="prompt" data-prompt="deliver_with_warning"><b>Safety check:</b> this message looks like something people say when they are trying to manipulate someone${reasons.length ? ` (it ${esc(reasons.join('; '))})` : ''}. You don't have to reply. Never keep secrets from your family because someone online asked you to. You can block or report them below, and talk to someone you trust.</div>`;
  }
  return `<div class="msg${mine ? ' mine' : ''}" data-action="${esc(m.action)}">${parts.join('')}<div class="meta">${meta.join(' ')}</div>${prompt}</div>`;
}

export function refusedList(items: readonly RefusedAttempt[], viewer: string, nameOf: (id: string) => string): string {
  if (items.length === 0) return '<p class="muted">Nothing was stopped yet.</p>';
  const what: Record<string, string> = { 'message.send': 'message', 'media.send': 'send a picture to', 'connection.request': 'connect with' };
  return `<ul class="plain">${items
    .slice(-10)
    .reverse()
    .map(
      (r) =>
        `<li>${r.from === viewer ? 'You tried to' : `<b>${esc(nameOf(r.from))}</b> tried to`} ${esc(what[r.action] ?? r.action)} ${r.to === viewer ? 'you' : `<b>${esc(nameOf(r.to))}</b>`}: <b>refused</b>. <span class="muted">${esc(r.decision.explanation)}</span> <span class="rules">(${r.decision.ruleIds.map(esc).join(', ')})</span></li>`,
    )
    .join('')}</ul>`;
}
