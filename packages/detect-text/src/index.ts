/**
 * @safeguard/detect-text — grooming and contact-risk detection over message streams.
 *
 * Pure: no file system, network, database or environment access. The model ships as a generated
 * module, so importing this package is all a caller needs.
 */
export * from './normalize.js';
export * from './lexicon.js';
export { buildLexiconIndex, lexiconMatches, firstWords, type LexiconIndex } from './lexicon-index.js';
export * from './signals.js';
export * from './features.js';
export * from './types.js';
export * from './age-context.js';
export * from './grooming.js';
export * from './signal-detector.js';
export * from './examples.js';
export * from './conversation-format.js';
export * from './metrics.js';
export * from './account.js';
export * from './contact-risk.js';
export * from './train.js';
export * from './tactics.js';
export * from './split.js';
export { loadModel, loadPlatformModel, platformTerm, packTextWeights, sigmoid, logit, type GroomingModel, type SerializedModel, type SerializedPlatformModel, type PlatformTextModel } from './model/model.js';
export { defaultModel } from './model/index.js';

import { createGroomingDetector } from './grooming.js';
import { createSignalDetector } from './signal-detector.js';

/** Every detector shipped by this package (the contract suite runs each of them). */
export const DETECTORS = [createGroomingDetector, createSignalDetector] as const;
