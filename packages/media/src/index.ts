export * from './pdq/hash256.js';
export * from './pdq/core.js';
export * from './pdq/image.js';
export * from './pdq/pdq.js';
export { referenceDownsample64 } from './pdq/reference.js';
