export {
  BOX_QC_FILE_JOB,
  boxQcFileDedupeKey,
  boxQcFileJob,
  boxQcFileJobFor,
  boxQcFilePayload,
  isReportName,
  PROCESSED_FOLDER_NAME,
  processedNameFor,
  REPORT_PREFIX,
  reportNameFor,
  type BoxQcFilePayload,
} from './box-qc-file.js';
export { createBoxQcFileHandler, runBoxQcJob, type BoxQcJobDeps, type BoxQcProgress, type BoxQcResult } from './job.js';
export { createWebhookFileMapper } from './mapper.js';
export { QC_EXTENSIONS, isQcFileName, extensionOf } from './qc-extensions.js';
export { createSweeper, type Sweeper, type SweepResult } from './sweeper.js';
export { startPipeline, startPipelineFromEnv, type PipelineOptions, type RunningPipeline } from './service.js';
