// Public surface of the Box emulator: start it in-process from tests and demos.
export { startBoxEmulator } from './server.js';
export type { BoxEmulator, BoxEmulatorAdmin, BoxEmulatorOptions, FaultSpec, RequestInfo } from './server.js';
export type { BoxAppConfigJson } from './apps.js';
export type { DeliveryAttempt, WebhookRetryOptions } from './webhook-delivery.js';
export { phpJsonEncode, signDelivery } from './webhook-delivery.js';
export type { CollaborationRole, EmuApp, EmuFile, EmuFolder, EmuUser } from './state.js';
export type { BoxEmulatorCore } from './core.js';
export { runBoxEmulatorCli } from './cli.js';
