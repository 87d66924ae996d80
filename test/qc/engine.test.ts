/**
 * The engine's own contract, with a real image and small real families defined here: the
 * order of checks, shared analyses computed once with every request, and failures that
 * become results instead of crashes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { imageKind } from '../../src/analysis/image.js';
import { builtinChecks } from '../../src/checks/index.js';
import { defineCheck } from '../../src/checks/define.js';
import { CheckCatalogue, KindRegistry } from '../../src/qc/catalogue.js';
import { runQc, type QcDeps } from '../../src/qc/engine.js';
import { ToolMissingError } from '../../src/qc/errors.js';
import { requestOf, type Analysis, type CheckDefinition, type ProgressEvent } from '../../src/qc/types.js';
import { reportSchema } from '../../src/report/schema.js';
import { makeImage } from '../helpers/images.js';
import { inlineProfile, tempDir, testSettings } from '../helpers/runtime.js';

let dir: string;
let cleanup: () => Promise<void>;
let image: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  image = await makeImage(dir, 'card.jpg');
});
afterAll(() => cleanup());

/** An analysis that records how often it ran and with which requests. */
function countingAnalysis() {
  const calls: string[][] = [];
  const analysis: Analysis<string[], string> = {
    id: 'test.counting',
    async compute(_ctx, requests) {
      calls.push([...requests]);
      return [...requests];
    },
  };
  return { analysis, calls };
}

function depsWith(extra: CheckDefinition<never>[], checkTimeoutMs = 5_000): QcDeps {
  const s = testSettings({ checkTimeoutMs });
  return {
    catalogue: new CheckCatalogue([...builtinChecks, ...extra]),
    kinds: new KindRegistry([imageKind]),
    env: { maxPixels: s.maxPixels, checkTimeoutMs, ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath, tmpDir: s.tmpDir, extensions: {} },
    toolVersion: '0.0.0-test',
  };
}

describe('engine', () => {
  it('runs an analysis once, with the requests of every check that needs it', async () => {
    const { analysis, calls } = countingAnalysis();
    const mk = (id: string, want: string) =>
      defineCheck({
        id,
        name: id,
        description: '',
        appliesTo: ['image'],
        params: z.object({}),
        requires: () => [requestOf(analysis, want)],
        async run({ analyses }) {
          const got = await analyses.get(analysis);
          return { status: got.includes(want) ? 'pass' : 'fail', message: got.join(',') };
        },
      }) as CheckDefinition<never>;
    const deps = depsWith([mk('t.loudness', 'loudness'), mk('t.black', 'black')]);
    const report = await runQc({ path: image, profile: inlineProfile(deps.catalogue, [{ id: 't.loudness' }, { id: 't.black' }]) }, deps);
    expect(calls).toEqual([['loudness', 'black']]);
    expect(report.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('puts file.readable first even when the profile lists it last or not at all', async () => {
    const deps = depsWith([]);
    const report = await runQc({ path: image, profile: inlineProfile(deps.catalogue, [{ id: 'image.dimensions', params: { min_width: 10 } }]) }, deps);
    expect(report.checks.map((c) => c.id)).toEqual(['file.readable', 'image.dimensions']);
    expect(reportSchema.parse(report)).toBeTruthy();
  });

  it('turns a throwing check into status error, a hung one into a timeout error, and a missing tool into skipped', async () => {
    const base = { description: '', appliesTo: ['image'] as const, params: z.object({}) };
    const deps = depsWith(
      [
        defineCheck({ ...base, id: 't.throws', name: 'throws', async run() { throw new Error('boom: parser exploded'); } }),
        defineCheck({ ...base, id: 't.hangs', name: 'hangs', run: () => new Promise(() => undefined) }),
        defineCheck({ ...base, id: 't.tool', name: 'tool', async run() { throw new ToolMissingError('ffmpeg', 'install it with `apt-get install ffmpeg`'); } }),
      ] as CheckDefinition<never>[],
      300,
    );
    const report = await runQc({ path: image, profile: inlineProfile(deps.catalogue, [{ id: 't.throws' }, { id: 't.hangs' }, { id: 't.tool' }]) }, deps);
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId['t.throws']).toMatchObject({ status: 'error', message: 'could not run: boom: parser exploded' });
    expect(byId['t.hangs']).toMatchObject({ status: 'error', message: expect.stringMatching(/timed out/) });
    expect(byId['t.tool']).toMatchObject({ status: 'skipped', message: expect.stringMatching(/apt-get install ffmpeg/) });
    expect(report.verdict).toBe('fail');
  });

  it('skips checks for another kind and reports progress for each check in order', async () => {
    const events: ProgressEvent[] = [];
    const base = { description: '', params: z.object({}), async run() { return { status: 'pass' as const, message: 'ok' }; } };
    const deps = depsWith([defineCheck({ ...base, id: 't.video_only', name: 'video only', appliesTo: ['video'] })] as CheckDefinition<never>[]);
    const report = await runQc({ path: image, profile: inlineProfile(deps.catalogue, [{ id: 't.video_only' }]), onProgress: (e) => events.push(e) }, deps);
    expect(report.checks[1]).toMatchObject({ status: 'skipped', message: 'applies to video files; this is an image file' });
    expect(events.map((e) => e.type)).toEqual(['asset-start', 'check-start', 'check-done', 'probe-done', 'check-start', 'check-done', 'asset-done']);
  });

  it('an unreadable file gives verdict error, score 0, and skips the rest', async () => {
    const deps = depsWith([]);
    const { writeFile } = await import('node:fs/promises');
    const bad = `${dir}/bad.jpg`;
    await writeFile(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]));
    const report = await runQc({ path: bad, profile: inlineProfile(deps.catalogue, [{ id: 'image.dimensions', params: { min_width: 1 } }]) }, deps);
    expect(report).toMatchObject({ verdict: 'error', score: 0 });
    expect(report.error).toMatch(/^bad\.jpg: /);
    expect(report.checks[1]).toMatchObject({ status: 'skipped' });
  });
});
