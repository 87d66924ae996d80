// aiqc's Box client: what the pipeline, sweeper and `aiqc box` commands import.
export { BoxClient, CHUNKED_UPLOAD_THRESHOLD_BYTES, suffixedName } from './client.js';
export type { BoxClientDeps, BoxFileInfo, BoxFolderInfo, BoxItem, BoxPathEntry, BoxUser, BoxWebhook } from './client.js';
export { BoxApiError, BoxConfigError, boxApiErrorFromBody, conflictsOf, hintFor, toBoxApiError } from './errors.js';
export type { BoxConflict, BoxErrorContext } from './errors.js';
export { AiqcRetryStrategy, DEFAULT_RETRY_POLICY, parseRetryAfterMs, retryDelayMs } from './retry.js';
export type { RetryPolicy } from './retry.js';
export { BOX_PRODUCTION_URLS, boxSettingsFromEnv, readJwtConfig } from './settings.js';
export type { BoxAuthSettings, BoxBaseUrls, BoxSettings } from './settings.js';
export type { BoxLogger } from './logger.js';
export { postMultipartStreamed } from './streaming-upload.js';
