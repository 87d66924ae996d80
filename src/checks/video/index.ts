import { videoAspectRatio } from './aspect-ratio.js';
import { videoBitrate } from './bitrate.js';
import { videoBlackFrames } from './black-frames.js';
import { videoCodec } from './codec.js';
import { videoDuration } from './duration.js';
import { videoFrameRate } from './frame-rate.js';
import { videoFreezeFrames } from './freeze-frames.js';
import { videoResolution } from './resolution.js';

export const videoChecks = [videoCodec, videoResolution, videoAspectRatio, videoFrameRate, videoDuration, videoBitrate, videoBlackFrames, videoFreezeFrames];
