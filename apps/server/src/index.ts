export * from './app.js';
export * from './auth.js';
export * from './config.js';
export * from './http-errors.js';
export * from './permissions.js';
export * from './server.js';
export * from './demo-seed.js';
export { PolicyService } from './services/policy-service.js';
export * from './worker.js';
