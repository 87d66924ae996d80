import { describe, expect, it } from 'vitest';
import { runTool } from '../../../src/analysis/av/tools.js';
import { ToolMissingError } from '../../../src/qc/errors.js';

// A real ffmpeg that would run for a minute: it reads a generated source at its native pace.
const SLOW = ['-hide_banner', '-v', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', 'sine=d=60', '-f', 'null', '-'];

describe('runTool', () => {
  it('kills ffmpeg when the run is cancelled', async () => {
    const abort = new AbortController();
    const t0 = performance.now();
    const running = runTool('ffmpeg', 'ffmpeg', SLOW, { signal: abort.signal, timeoutMs: 60_000 });
    setTimeout(() => abort.abort(), 200);
    await expect(running).rejects.toThrow(/cancelled/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('kills ffmpeg on timeout, saying how to allow more time', async () => {
    const running = runTool('ffmpeg', 'ffmpeg', SLOW, { signal: new AbortController().signal, timeoutMs: 300 });
    await expect(running).rejects.toThrow(/AIQC_CHECK_TIMEOUT_S/);
  });

  it('a missing program is a ToolMissingError with the install step', async () => {
    const running = runTool('ffprobe', '/nonexistent/ffprobe', ['-version'], { signal: new AbortController().signal, timeoutMs: 5_000 });
    await expect(running).rejects.toBeInstanceOf(ToolMissingError);
    await expect(running).rejects.toThrow(/apt-get install ffmpeg/);
  });
});
