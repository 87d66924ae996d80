/**
 * What `aiqc check` does not pay for at start-up (issue 11): a check's params schema is built
 * when first read, a built-in profile is read when first used, and a JPEG is decoded once (at
 * the thumbnail's reduced scale, which still reads the whole compressed stream).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { join } from 'node:path';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineCheck } from '../../src/checks/define.js';
import { builtinChecks } from '../../src/checks/index.js';
import { ConfigError } from '../../src/config/errors.js';
import { ProfileSet } from '../../src/config/profiles.js';
import { CheckCatalogue } from '../../src/qc/catalogue.js';
import { tempDir } from '../helpers/runtime.js';
import { runChecks } from '../checks/text/helpers.js';

const catalogue = new CheckCatalogue(builtinChecks);
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await mkdir(join(dir, 'builtin'));
});
afterEach(() => cleanup());

describe('lazy start-up', () => {
  it('builds a check’s params schema on first read, once', () => {
    let built = 0;
    const check = defineCheck({
      id: 'x.lazy',
      name: 'Lazy',
      description: 'test',
      appliesTo: ['image'],
      params: () => {
        built++;
        return z.strictObject({ n: z.number().default(1) });
      },
      run: () => Promise.resolve({ status: 'pass', message: 'ok' }),
    });
    expect(built).toBe(0);
    expect(check.params.parse({})).toEqual({ n: 1 });
    expect(check.params.parse({ n: 2 })).toEqual({ n: 2 });
    expect(built).toBe(1);
  });

  it('reads a built-in profile only when it is used, and refuses one whose id is not its file name', async () => {
    const builtinDir = join(dir, 'builtin');
    await writeFile(join(builtinDir, 'good.yaml'), 'id: good\nname: Good\nchecks:\n  - id: file.size\n    params: { max: "5 MB" }\n');
    await writeFile(join(builtinDir, 'broken.yaml'), 'id: broken\nname: [unclosed\n');
    await writeFile(join(builtinDir, 'misnamed.yaml'), 'id: other\nname: Misnamed\nchecks: []\n');
    const set = await ProfileSet.load({ catalogue, builtinDir });
    expect(set.ids()).toEqual(['broken', 'good', 'misnamed']);
    expect(set.get('good').checks.map((c) => c.id)).toEqual(['file.size']);
    expect(() => set.get('broken')).toThrow(ConfigError);
    expect(() => set.get('misnamed')).toThrow(/differs from its file name/);
  });

  it('still reports a user profile’s errors at start-up, with the built-in it extends read on the way', async () => {
    await mkdir(join(dir, 'profiles'));
    await writeFile(join(dir, 'profiles', 'mine.yaml'), 'id: mine\nname: Mine\nextends: static_general\nchecks:\n  - id: image.dpi\n    params: { min: -1 }\n');
    await expect(ProfileSet.load({ catalogue, configDir: dir })).rejects.toThrow(/checks\[0\]\.params\.min/);
  });

  it('decodes a JPEG once, for the thumbnail, and still finds one cut short in its last bytes', async () => {
    const photo = join(dir, 'photo.jpg');
    await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg({ quality: 85 }).toFile(photo);
    const good = await runChecks(photo, [{ id: 'image.transparency', params: { allowed: false } }]);
    expect(good.verdict).toBe('pass');
    expect(good.asset.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    const bytes = await readFile(photo);
    const cut = join(dir, 'cut.jpg');
    await writeFile(cut, bytes.subarray(0, bytes.length - 64));
    const bad = await runChecks(cut, [{ id: 'image.transparency', params: { allowed: false } }]);
    expect(bad.verdict).toBe('error');
    expect(bad.error).toMatch(/damaged or incomplete/);
  });
});
