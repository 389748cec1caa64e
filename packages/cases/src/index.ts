/**
 * @safeguard/cases: reports, complaints and moderation as pure functions — the reason taxonomy
 * (EU statement-of-reasons categories and child-safety types), Coop-shaped intake, severity triage
 * and SLAs, assignment locks, decisions with schema-valid statements of reasons, strikes, appeals,
 * evidence retention, law-enforcement referral exports and signed webhooks. No I/O: the store and
 * the server apply these rules.
 */
export * from './alerts.js';
export * from './appeals.js';
export * from './decisions.js';
export * from './intake.js';
export * from './locks.js';
export * from './referrals.js';
export * from './retention.js';
export * from './taxonomy.js';
export * from './triage.js';
export * from './webhooks.js';
export * from './sor/validate.js';
export { SOR_ENUMS, SOR_SCHEMA, SOR_SOURCE_DIGEST } from './sor/schema.generated.js';
