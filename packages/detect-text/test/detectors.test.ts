/**
 * Every shipped detector runs the shared contract suite.
 */
import { createGroomingDetector, createSignalDetector, type GroomingDetector } from '../src/index.js';
import { runDetectorContract } from './detector-contract.js';

runDetectorContract('grooming', createGroomingDetector, {
  alerts: (d, state) => (d as GroomingDetector).assess(state).alert,
});
runDetectorContract('behaviour-signals', createSignalDetector);
