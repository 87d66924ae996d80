export * from './backoff.js';
export * from './definition.js';
export * from './errors.js';
export * from './job.js';
export * from './queue.js';
export * from './shutdown.js';
export * from './worker.js';
