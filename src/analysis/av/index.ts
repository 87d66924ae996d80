/**
 * Video and audio through FFmpeg: one probe (ffprobe) for both kinds, one decode pass for
 * every measurement (started by the probe once the streams are known), and stills, strip
 * and thumbnail from the pass's samples.
 */
import type { KindHandler } from '../../qc/types.js';
import { avThumbnail } from './frames.js';
import { avReadable } from './readable.js';

export { avPass, type AvPassRequest, type AvPassResult } from './pass.js';
export { avProbe, avStreams, type AvDetails } from './probe.js';
export { avStills, avStrip, avThumbnail } from './frames.js';

/** The probe starts the decode pass as soon as the streams are known (readable.ts). */
export const videoKind: KindHandler = { kind: 'video', probe: avReadable, thumbnail: avThumbnail };
export const audioKind: KindHandler = { kind: 'audio', probe: avReadable };
