export * from './errors.js';
export * from './types.js';
export * from './hash-chain.js';
export * from './message-bus.js';
