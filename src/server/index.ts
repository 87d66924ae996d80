export * from './app.js';
export * from './box-event.js';
export * from './metrics.js';
export * from './webhook-route.js';
export * from './service.js';
