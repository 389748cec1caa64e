/**
 * The committed grooming model, decoded once at first use.
 */
import { MODEL_DATA } from './model-data.generated.js';
import { PLATFORM_MODEL_DATA } from './platform-data.generated.js';
import { loadModel, type GroomingModel } from './model.js';

let cached: GroomingModel | undefined;

/**
 * The model shipped with this package (trained by `npm run train:grooming`), with the platform
 * text model when one has been trained.
 */
export function defaultModel(): GroomingModel {
  cached ??= loadModel(MODEL_DATA, PLATFORM_MODEL_DATA ?? undefined);
  return cached;
}
