/**
 * @safeguard/reporting (pure): transparency reports computed by streaming aggregation over typed
 * facts (EU harmonised template, UK Ofcom items, child-safety metrics) with reconciliation;
 * renderers to JSON, template-shaped CSV and HTML; statements of reasons in EU Transparency
 * Database batches; penalty caps with citations; the breach register model; signed disclosure
 * bundles with offline verification; the conformance result shape.
 */
export * from './period.js';
export * from './source.js';
export * from './median.js';
export * from './report.js';
export * from './aggregate.js';
export * from './uk-items.js';
export * from './render/charts.js';
export * from './render/csv.js';
export * from './render/html.js';
export * from './sor/statements.js';
export { isAbsoluteUri, isFullDate } from './sor/sor-formats.js';
export * as SorEnums from './sor/sor-enums.generated.js';
export * from './penalties.js';
export * from './breaches.js';
export * from './bundle.js';
export * from './conformance.js';
