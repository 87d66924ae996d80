/**
 * The kind handlers' probe for video and audio: `av.probe`, with the decode pass started as
 * soon as the streams are known. The pass needs only the streams, so it runs beside the
 * probe's second read (the file's last seconds, for truncation) instead of after it; when
 * that read finds the file cut off, the engine's abort stops the pass.
 */
import type { Analysis, ProbeResult } from '../../qc/types.js';
import { avPass } from './pass.js';
import { avProbe, avStreams, type AvDetails } from './probe.js';

export const avReadable: Analysis<ProbeResult<AvDetails>> = {
  id: 'av.readable',
  async compute(ctx) {
    await ctx.get(avStreams);
    // Not awaited: its result (or failure) is kept by the store for the checks that ask.
    ctx.get(avPass).catch(() => undefined);
    return ctx.get(avProbe);
  },
};
