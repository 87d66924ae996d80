/**
 * Video and audio through FFmpeg: one probe (ffprobe) for both kinds, one decode pass for
 * every measurement, and seek-based stills/strip/thumbnail for the report.
 */
import type { KindHandler } from '../../qc/types.js';
import { avThumbnail } from './frames.js';
import { avProbe } from './probe.js';

export { avPass, type AvPassRequest, type AvPassResult } from './pass.js';
export { avProbe, type AvDetails } from './probe.js';
export { avStills, avStrip, avThumbnail } from './frames.js';

export const videoKind: KindHandler = { kind: 'video', probe: avProbe, thumbnail: avThumbnail };
export const audioKind: KindHandler = { kind: 'audio', probe: avProbe };
