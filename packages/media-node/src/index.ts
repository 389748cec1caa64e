export * from './errors.js';
export * from './decode.js';
export * from './hash-image.js';
export * from './index-file.js';
export * from './hex-file.js';
export * from './nudity-pool.js';
