export * from './database.js';
export * from './errors.js';
export * from './migrations.js';
export * from './schema.js';
export * from './qc-runs.js';
export * from './webhook-deliveries.js';
export * from './box-folder-health.js';
export * from './client-settings.js';
