/**
 * @safeguard/demo — the reference platform (a small social app that asks Safeguard about every
 * interaction through the generated client) and the traffic simulator behind `safeguard simulate`.
 */
export { SafeguardClient, SafeguardApiError } from '@safeguard/client';
export * from './sim/population.js';
export * from './sim/simulate.js';
export * from './sim/progress.js';
export { LANGUAGES, TACTIC_STAGES, type Language, type TacticStage } from './sim/text.js';
export { createDemoApp, startDemoApp, platformKeyFor, type DemoApp, type DemoAppOptions, type RunningDemoApp } from './app/server.js';
export { DemoPlatform, type ChatMessage, type Profile } from './app/platform.js';
export { CAST } from './app/seed.js';
export { startPlayground, type PlaygroundOptions } from './app/launch.js';
