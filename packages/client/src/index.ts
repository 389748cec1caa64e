/**
 * @safeguard/client — a typed fetch client for the Safeguard HTTP API. The operation types and the
 * SafeguardClient methods are generated from the server's OpenAPI document
 * (scripts/generate-client.mjs → src/api.generated.ts); the transport is written by hand.
 *
 *   const safeguard = new SafeguardClient({ baseUrl: 'http://127.0.0.1:8080', apiKey });
 *   const decision = await safeguard.postDecisions({ body: { action: 'message.send', actor, target } });
 */
export * from './api.generated.js';
export * from './transport.js';
