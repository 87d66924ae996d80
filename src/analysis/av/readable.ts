/**
 * The kind handlers' probe for video and audio: `av.probe`, with the decode pass started as
 * soon as the streams are known (the one ffprobe run that found them also read the file's
 * end, so when `av.probe` finds the file cut off, the engine's abort stops the pass). Started
 * with it, not awaited: sharp's loading, which only the stills, strip and thumbnail need, and
 * the thumbnail itself, which then follows the pass at once instead of after every check.
 */
import type { Analysis, ProbeResult } from '../../qc/types.js';
import { loadSharp } from '../sharp.js';
import { avThumbnail } from './frames.js';
import { avPass } from './pass.js';
import { avProbe, avStreams, type AvDetails } from './probe.js';

export const avReadable: Analysis<ProbeResult<AvDetails>> = {
  id: 'av.readable',
  async compute(ctx) {
    await ctx.get(avStreams);
    // Not awaited: its result (or failure) is kept by the store for the checks that ask.
    ctx.get(avPass).catch(() => undefined);
    // Failures of these are reported where they are awaited. sharp's load waits a turn of the
    // event loop so that the pass's ffmpeg runs are spawned first.
    setImmediate(() => loadSharp().catch(() => undefined));
    ctx.get(avThumbnail).catch(() => undefined);
    return ctx.get(avProbe);
  },
};
