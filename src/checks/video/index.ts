import { videoAspectRatio } from './aspect-ratio.js';
import { videoBitrate } from './bitrate.js';
import { videoBlackFrames } from './black-frames.js';
import { videoCaptions } from './captions.js';
import { videoCodec } from './codec.js';
import { videoDuration } from './duration.js';
import { videoFlashing } from './flashing.js';
import { videoFrameRate } from './frame-rate.js';
import { videoFreezeFrames } from './freeze-frames.js';
import { videoLetterbox } from './letterbox.js';
import { videoResolution } from './resolution.js';

export const videoChecks = [videoCodec, videoResolution, videoAspectRatio, videoFrameRate, videoDuration, videoBitrate, videoBlackFrames, videoFreezeFrames, videoFlashing, videoLetterbox, videoCaptions];
