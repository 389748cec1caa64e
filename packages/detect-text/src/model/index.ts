/**
 * The committed grooming model, decoded once at first use.
 */
import { MODEL_DATA } from './model-data.generated.js';
import { loadModel, type GroomingModel } from './model.js';

let cached: GroomingModel | undefined;

/** The model shipped with this package (trained by `npm run train:grooming`). */
export function defaultModel(): GroomingModel {
  cached ??= loadModel(MODEL_DATA);
  return cached;
}
