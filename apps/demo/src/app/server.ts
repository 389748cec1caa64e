/**
 * The reference platform's web server ("Playground"): server-rendered pages over DemoPlatform.
 * The browser never sees the Safeguard key — only this backend holds it.
 *
 * Routes: / (sign in as one of the cast), /home (connections, requests, suggestions, what
 * Safeguard stopped), /people/:id (profile, connect, message, report, block), /chat/:id
 * (conversation, send text or a picture), /report/:id, /pictures/:id.png, /static/demo.css,
 * /healthz. Forms post back and redirect (or render the decision). Sign-in is a cookie naming the
 * account: this is a demonstration, not an identity system.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { SafeguardApiError, SafeguardClient } from '@safeguard/client';
import { CSS, decisionBox, esc, layout, messageView, refusedList, safetyPrompt } from './html.js';
import { DemoPlatform } from './platform.js';
import { seedDemoPlatform, type DemoCast } from './seed.js';

export interface DemoAppOptions {
  /** Where Safeguard is, e.g. http://127.0.0.1:8080. */
  readonly safeguardUrl: string;
  /** A platform-role key for the demo tenant. */
  readonly apiKey: string;
  /** Seed the cast, their connections, a small simulated population and sample conversations (default true). */
  readonly seed?: boolean;
  readonly logLevel?: string;
}

export interface DemoApp {
  readonly app: FastifyInstance;
  readonly platform: DemoPlatform;
  readonly cast: DemoCast;
}

const COOKIE = 'playground_as';

const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function cookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

type Form = Record<string, string>;

export async function createDemoApp(options: DemoAppOptions): Promise<DemoApp> {
  const safeguard = new SafeguardClient({ baseUrl: options.safeguardUrl, apiKey: options.apiKey });
  const platform = new DemoPlatform(safeguard);
  const cast = await seedDemoPlatform(platform, { full: options.seed !== false });

  const app = Fastify({ logger: options.logLevel && options.logLevel !== 'silent' ? { level: options.logLevel } : false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
  });
  app.setErrorHandler((error, request, reply) => {
    const me = platform.profile(cookieOf(request) ?? '');
    if (error instanceof SafeguardApiError) {
      void reply.status(502).type('text/html').send(layout('Safeguard error', me, `<div class="card"><h1>Safeguard answered an error</h1><p>${esc(error.status)} ${esc(error.code)}: ${esc(error.message)}</p></div>`));
      return;
    }
    request.log.error({ err: error }, 'demo page failed');
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    void reply.status(status).type('text/html').send(layout('Error', me, `<div class="card"><h1>Something went wrong</h1><p>${esc((error as Error).message)}</p></div>`));
  });

  const html = (reply: FastifyReply, title: string, me: string | undefined, body: string, status = 200): FastifyReply =>
    reply.status(status).type('text/html; charset=utf-8').send(layout(title, me ? platform.profile(me) : undefined, body));

  /** The signed-in account, or a redirect to the sign-in page. */
  const who = (request: FastifyRequest, reply: FastifyReply): string | null => {
    const id = cookieOf(request);
    if (id && platform.profile(id)) return id;
    void reply.redirect('/');
    return null;
  };
  const peerOf = (params: unknown): string => {
    const id = (params as { id?: string }).id ?? '';
    if (!platform.profile(id)) throw Object.assign(new Error(`No one called "${id}" here`), { statusCode: 404 });
    return id;
  };
  const form = (request: FastifyRequest): Form => (request.body ?? {}) as Form;

  app.get('/healthz', (_request, reply) => reply.send({ ok: true }));
  app.get('/static/demo.css', async (_request, reply) => reply.type('text/css').header('cache-control', 'public, max-age=300').send(CSS));
  app.get('/pictures/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id.replace(/\.png$/, '');
    const picture = platform.pictures.find((p) => p.id === id);
    if (!picture) return reply.status(404).send('no such picture');
    return reply.type('image/png').header('cache-control', 'public, max-age=3600').send(picture.bytes);
  });

  // ---- sign in ------------------------------------------------------------------------------------
  app.get('/', async (_request, reply) => {
    const castList = cast.people
      .map((id) => {
        const p = platform.profile(id);
        return `<li><form class="inline" method="post" action="/signin"><input type="hidden" name="as" value="${esc(id)}"><button>${esc(p?.name ?? id)}</button></form> <span class="muted">${esc(p?.role ?? '')}</span></li>`;
      })
      .join('');
    return html(
      reply,
      'Sign in',
      undefined,
      `<div class="card"><h1>Playground — a reference platform</h1>
<p>Every profile view, suggestion, connection request, message and picture here is decided by <b>Safeguard</b> through its API before it happens. Sign in as someone (no password: it is a demo).</p>
<ul class="plain">${castList}</ul>
<p class="muted">Try it: sign in as <b>Lily</b> (12): strangers cannot message her and she sees why; writing to an adult she is not connected with shows a safety prompt; a risky message from someone shows a safety check. Sign in as <b>Josh</b> (15) to see a conversation Safeguard flagged. The moderator console is on the Safeguard server at /console.</p></div>`,
    );
  });
  app.post('/signin', async (request, reply) => {
    const id = form(request).as ?? '';
    if (!platform.profile(id)) return reply.redirect('/');
    return reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(id)}; Path=/; HttpOnly; SameSite=Strict`).redirect('/home');
  });

  // ---- home -----------------------------------------------------------------------------------------
  app.get('/home', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const [account, connections, suggestions] = await Promise.all([platform.account(me), platform.connections(me), platform.suggestions(me)]);
    const accepted = connections.filter((c) => c.state === 'accepted');
    const incoming = connections.filter((c) => c.state === 'pending-in');
    const outgoing = connections.filter((c) => c.state === 'pending-out');
    const link = (id: string): string => `<a href="/people/${encodeURIComponent(id)}">${esc(platform.nameOf(id))}</a>`;
    const conversations = [...platform.messages.keys()]
      .filter((c) => c.startsWith('dm:') && c.slice(3).split('|').includes(me))
      .map((c) => c.slice(3).split('|').find((x) => x !== me) ?? me);
    const stopped = platform.refused.filter((r) => r.to === me || r.from === me);
    return html(
      reply,
      'Home',
      me,
      `<div class="card"><h1>Hi ${esc(platform.nameOf(me))}</h1><p class="muted">Safeguard sees this account as: age band <b>${esc(account.ageBand)}</b>${account.child ? ' (a child: protective defaults apply)' : ''}, jurisdiction ${esc(account.jurisdiction)}.</p></div>
<div class="card"><h2>Chats</h2>${conversations.length ? `<ul class="plain">${conversations.map((p) => `<li><a href="/chat/${encodeURIComponent(p)}">${esc(platform.nameOf(p))}</a></li>`).join('')}</ul>` : '<p class="muted">No chats yet.</p>'}</div>
<div class="card"><h2>Connections</h2>${accepted.length ? `<ul class="plain">${accepted.map((c) => `<li>${link(c.accountId)} · <a href="/chat/${encodeURIComponent(c.accountId)}">message</a></li>`).join('')}</ul>` : '<p class="muted">None yet.</p>'}
${incoming.length ? `<h2>Requests for you</h2><ul class="plain">${incoming.map((c) => `<li>${link(c.accountId)} <form class="inline" method="post" action="/requests/${encodeURIComponent(c.accountId)}/accept"><button>Accept</button></form> <form class="inline" method="post" action="/requests/${encodeURIComponent(c.accountId)}/decline"><button class="secondary">Decline</button></form></li>`).join('')}</ul>` : ''}
${outgoing.length ? `<p class="muted">Waiting for: ${outgoing.map((c) => link(c.accountId)).join(', ')}</p>` : ''}</div>
<div class="card"><h2>People you may know</h2>${suggestions.shown.length ? `<div class="people">${suggestions.shown.map((id) => `<div class="person">${link(id)}<div class="muted">${esc(platform.profile(id)?.about ?? '')}</div></div>`).join('')}</div>` : suggestions.refused ? decisionBox(suggestions.refused, 'No suggestions for this account') : '<p class="muted">No one to suggest right now.</p>'}</div>
<div class="card"><h2>What Safeguard stopped</h2>${refusedList(stopped, me, (id) => platform.nameOf(id))}</div>
<div class="card"><h2>Everyone</h2><div class="people">${cast.people.filter((id) => id !== me).map((id) => `<div class="person">${link(id)}<div class="muted">${esc(platform.profile(id)?.about ?? '')}</div></div>`).join('')}</div></div>`,
    );
  });

  app.post('/requests/:id/:verdict', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const peer = peerOf(request.params);
    await platform.answerRequest(me, peer, (request.params as { verdict: string }).verdict === 'accept');
    return reply.redirect('/home');
  });

  // ---- profiles and connecting ------------------------------------------------------------------------
  app.get('/people/:id', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const peer = peerOf(request.params);
    const view = await platform.decide('profile.view', me, peer);
    const profile = platform.profile(peer);
    const shown = view.outcome !== 'deny';
    return html(
      reply,
      platform.nameOf(peer),
      me,
      `<div class="card"><h1>${esc(platform.nameOf(peer))}</h1>${shown ? `<p>${esc(profile?.about ?? '')}</p>` : decisionBox(view, 'This profile is private')}
<p><a class="btn" href="/chat/${encodeURIComponent(peer)}">Message</a>
<form class="inline" method="post" action="/people/${encodeURIComponent(peer)}/connect"><button class="secondary">Connect</button></form>
<a class="btn secondary" href="/report/${encodeURIComponent(peer)}">Report</a>
<form class="inline" method="post" action="/people/${encodeURIComponent(peer)}/block"><button class="danger">Block</button></form></p></div>`,
    );
  });

  app.post('/people/:id/connect', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const peer = peerOf(request.params);
    const result = await platform.requestConnection(me, peer, form(request).acknowledged === 'yes');
    const back = `<p><a href="/people/${encodeURIComponent(peer)}">Back to ${esc(platform.nameOf(peer))}</a></p>`;
    if (result.status === 'needs-ack') {
      return html(reply, 'Before you connect', me, `<div class="card"><h1>Connect with ${esc(platform.nameOf(peer))}?</h1>${safetyPrompt(result.decision, `<form method="post" action="/people/${encodeURIComponent(peer)}/connect"><input type="hidden" name="acknowledged" value="yes"><button>I understand, send the request</button> <a class="btn secondary" href="/home">Cancel</a></form>`)}</div>`);
    }
    if (result.status === 'refused') return html(reply, 'Request not sent', me, `<div class="card"><h1>Request not sent</h1>${decisionBox(result.decision, `You can't connect with ${platform.nameOf(peer)}`)}${back}</div>`, 403);
    return html(reply, 'Request sent', me, `<div class="card"><h1>Request sent</h1>${decisionBox(result.decision, `Your request to ${platform.nameOf(peer)} was sent`)}${back}</div>`);
  });

  app.post('/people/:id/block', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const peer = peerOf(request.params);
    await platform.block(me, peer);
    return html(reply, 'Blocked', me, `<div class="card"><h1>You blocked ${esc(platform.nameOf(peer))}</h1><p>They can no longer message you or see your profile. <a href="/home">Home</a></p></div>`);
  });

  // ---- chat -----------------------------------------------------------------------------------------------
  const chatPage = async (me: string, peer: string, notice = ''): Promise<string> => {
    const decision = await platform.decide('message.send', me, peer);
    const pictures = await platform.imagesSupported();
    const messages = platform.conversation(me, peer);
    const thread = messages.length ? messages.map((m) => messageView(m, me, (id) => platform.nameOf(id))).join('') : '<p class="muted">No messages yet.</p>';
    const peerPath = encodeURIComponent(peer);
    const pictureForm = pictures
      ? `<form method="post" action="/chat/${peerPath}/picture"><div class="pics">${platform.pictures.map((p, i) => `<label><input type="radio" name="picture" value="${esc(p.id)}"${i === 0 ? ' checked' : ''}><img src="/pictures/${esc(p.id)}.png" alt="${esc(p.title)}">${esc(p.title)}</label>`).join('')}</div>
${decision.outcome === 'allow_with_warning' ? '<input type="hidden" name="acknowledged" value="yes">' : ''}<button class="secondary">Send picture</button></form>`
      : '<p class="muted" data-images="unsupported">Pictures are off: the connected Safeguard server does not document <code>POST /v1/media</code> in its OpenAPI document, so this platform cannot check images and does not send them.</p>';
    let composer: string;
    if (decision.outcome === 'deny' || decision.outcome === 'require_guardian') {
      composer = decisionBox(decision, `You can't message ${platform.nameOf(peer)}`);
    } else {
      const box = `<form method="post" action="/chat/${peerPath}/send"><textarea name="text" maxlength="2000" required placeholder="Write a message"></textarea>${decision.outcome === 'allow_with_warning' ? '<label><input type="checkbox" name="acknowledged" value="yes" required> I have read this and want to continue</label> ' : ''}<button>Send</button></form>${pictureForm}`;
      composer = decision.outcome === 'allow_with_warning' ? safetyPrompt(decision, box) : box;
    }
    return `<div class="card"><h1>Chat with <a href="/people/${peerPath}">${esc(platform.nameOf(peer))}</a></h1>${notice}<div class="chat">${thread}</div></div>
<div class="card">${composer}</div>
<div class="card"><a class="btn secondary" href="/report/${peerPath}">Report ${esc(platform.nameOf(peer))}</a> <form class="inline" method="post" action="/people/${peerPath}/block"><button class="danger">Block</button></form></div>`;
  };

  app.get('/chat/:id', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const peer = peerOf(request.params);
    return html(reply, `Chat with ${platform.nameOf(peer)}`, me, await chatPage(me, peer));
  });

  app.post('/chat/:id/send', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const peer = peerOf(request.params);
    const body = form(request);
    const text = (body.text ?? '').trim().slice(0, 2000);
    if (!text) return reply.redirect(`/chat/${encodeURIComponent(peer)}`);
    const result = await platform.sendText(me, peer, text, body.acknowledged === 'yes');
    if (result.status === 'refused') return html(reply, 'Not sent', me, await chatPage(me, peer, decisionBox(result.decision, 'Your message was not sent')), 403);
    if (result.status === 'needs-ack') return html(reply, 'Not sent', me, await chatPage(me, peer, '<div class="decision warn">Please read the safety prompt below and tick the box to continue.</div>'));
    const held = result.message?.action === 'hold_for_review' ? '<div class="decision warn">Your message is being held for review and was not delivered.</div>' : '';
    return held ? html(reply, 'Held', me, await chatPage(me, peer, held)) : reply.redirect(`/chat/${encodeURIComponent(peer)}`);
  });

  app.post('/chat/:id/picture', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const peer = peerOf(request.params);
    const body = form(request);
    const result = await platform.sendImage(me, peer, body.picture ?? '', { acknowledged: body.acknowledged === 'yes', senderConfirmed: body.senderConfirmed === 'true' });
    let notice = '';
    if (result.status === 'unsupported') notice = '<div class="decision">Not sent: this Safeguard server cannot check pictures (no POST /v1/media in its OpenAPI document).</div>';
    else if (result.status === 'refused' && result.decision) notice = decisionBox(result.decision, 'Your picture was not sent');
    else if (result.status === 'needs-ack') notice = '<div class="decision warn">Please read the safety prompt first.</div>';
    else if (result.status === 'warn-before-send') {
      notice = `<div class="decision warn" data-outcome="warn_before_send"><b>Are you sure you want to send this picture?</b><div>${esc(result.explanation ?? '')}</div><div class="muted">Once a picture is sent you can't control where it goes. If someone is pressuring you, talk to someone you trust or Childline (0800 1111).</div>
<form method="post" action="/chat/${encodeURIComponent(peer)}/picture"><input type="hidden" name="picture" value="${esc(body.picture ?? '')}"><input type="hidden" name="acknowledged" value="yes"><input type="hidden" name="senderConfirmed" value="true"><button class="secondary">Send anyway</button></form></div>`;
    } else if (result.message && result.message.action !== 'deliver') notice = `<div class="decision">${esc(result.message.image?.explanation ?? result.message.action)}</div>`;
    return notice ? html(reply, 'Picture', me, await chatPage(me, peer, notice), result.status === 'refused' ? 403 : 200) : reply.redirect(`/chat/${encodeURIComponent(peer)}`);
  });

  // ---- reports ----------------------------------------------------------------------------------------------
  app.get('/report/:id', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const peer = peerOf(request.params);
    const reasons = [
      ['grooming', 'They make me uncomfortable / ask me to keep secrets'],
      ['bullying', 'Bullying or harassment'],
      ['spam', 'Spam or scam'],
      ['other', 'Something else'],
    ];
    return html(
      reply,
      'Report',
      me,
      `<div class="card"><h1>Report ${esc(platform.nameOf(peer))}</h1><form method="post" action="/report/${encodeURIComponent(peer)}">
${reasons.map(([code, label], i) => `<label style="display:block"><input type="radio" name="reason" value="${esc(code)}"${i === 0 ? ' checked' : ''}> ${esc(label)}</label>`).join('')}
<textarea name="words" maxlength="1000" placeholder="Tell us what happened (optional)"></textarea><button>Send report</button></form>
<p class="muted">Your report and this conversation go to the platform's moderators (the Safeguard console). ${esc(platform.nameOf(peer))} is not told who reported them.</p></div>`,
    );
  });

  app.post('/report/:id', async (request, reply) => {
    const me = who(request, reply);
    if (!me) return reply;
    const peer = peerOf(request.params);
    const body = form(request);
    const reason = ['grooming', 'bullying', 'spam', 'other'].includes(body.reason ?? '') ? (body.reason as string) : 'other';
    const receipt = await platform.report(me, peer, reason, (body.words ?? '').slice(0, 1000));
    return html(reply, 'Report sent', me, `<div class="card"><h1>Thank you</h1><div class="decision ok" data-report="${esc(receipt.reportId)}">${esc(receipt.acknowledgement)}</div><p class="muted">Report ${esc(receipt.reportId)} · case ${esc(receipt.caseId)}</p><p><a href="/home">Home</a></p></div>`);
  });

  return { app, platform, cast };
}

export interface RunningDemoApp extends DemoApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the demo app listening; creates (once) and reuses a platform key for the demo tenant. */
export async function startDemoApp(options: DemoAppOptions & { readonly port: number; readonly host?: string }): Promise<RunningDemoApp> {
  const demo = await createDemoApp(options);
  const host = options.host ?? '127.0.0.1';
  await demo.app.listen({ port: options.port, host });
  const address = demo.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return { ...demo, url: `http://${shown}:${port}`, close: () => demo.app.close() };
}

/** A platform-role key for the demo tenant, made with the demo admin key (the demo app never uses admin powers). */
export async function platformKeyFor(safeguardUrl: string, adminKey: string, saved?: string): Promise<string> {
  if (saved) {
    try {
      const me = await new SafeguardClient({ baseUrl: safeguardUrl, apiKey: saved }).getMe();
      if (me.role === 'platform') return saved;
    } catch {
      // revoked or from another database: make a new one
    }
  }
  const created = await new SafeguardClient({ baseUrl: safeguardUrl, apiKey: adminKey }).postKeys({ body: { role: 'platform', label: 'reference platform (demo app)' } });
  return created.key;
}
