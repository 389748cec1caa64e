/**
 * @safeguard/policy: child accounts, protective defaults and interaction decisions, as a pure
 * library. No I/O: callers bring the facts (accounts, relationships) and get explained decisions.
 */
export * from './age.js';
export * from './account.js';
export * from './catalogue/index.js';
export * from './compiled-profile.js';
export * from './decide.js';
export * from './describe.js';
export * from './engine.js';
export * from './profiles.js';
export * from './settings-registry.js';
export * from './tenant-policy.js';
