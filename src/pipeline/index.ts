export { BOX_QC_FILE_JOB, boxQcFileJob, boxQcFilePayload, type BoxQcFilePayload } from './job-definition.js';
export { createBoxQcFileHandler, runBoxQcJob, reportNameFor, processedNameFor, type BoxQcJobDeps, type BoxQcProgress, type BoxQcResult } from './job.js';
export { createWebhookFileMapper, PROCESSED_FOLDER_NAME, REPORT_PREFIX } from './mapper.js';
export { QC_EXTENSIONS, isQcFileName, extensionOf } from './qc-extensions.js';
export { createSweeper, type Sweeper, type SweepResult } from './sweeper.js';
export { startPipeline, startPipelineFromEnv, type PipelineOptions, type RunningPipeline } from './service.js';
