import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../src/checks/index.js';
import { buildJsonSchemas } from '../../src/config/json-schemas.js';
import { SCHEMAS_DIR, schemaFileText } from '../../src/app/write-json-schemas.js';
import { CheckCatalogue } from '../../src/qc/catalogue.js';
import type { QcRuntime } from '../../src/app/runtime.js';
import { makeImage, makeTruncatedJpeg } from '../helpers/images.js';
import { tempDir, testRuntime } from '../helpers/runtime.js';
import { parse } from 'yaml';
import { readdir } from 'node:fs/promises';
import { BUILTIN_PROFILES_DIR } from '../../src/config/profiles.js';

let rt: QcRuntime;
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  rt = await testRuntime();
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const published = async (name: string) => JSON.parse(await readFile(`${SCHEMAS_DIR}${name}.schema.json`, 'utf8')) as object;

describe('published JSON Schemas', () => {
  it('are up to date with the zod schemas and the check catalogue (run `npm run schemas` if not)', async () => {
    const fresh = buildJsonSchemas(new CheckCatalogue(builtinChecks));
    for (const [name, schema] of Object.entries(fresh)) {
      expect(await readFile(`${SCHEMAS_DIR}${name}.schema.json`, 'utf8'), `schemas/${name}.schema.json is stale`).toBe(schemaFileText(schema));
    }
  });

  it('validate real reports: a passing one, a failing one and an unreadable one', async () => {
    const validate = ajv.compile(await published('report'));
    const files = [await makeImage(dir, 'ok.jpg', { icc: 'srgb' }), await makeImage(dir, 'cmyk.jpg', { colour: 'cmyk', width: 100, height: 100 }), await makeTruncatedJpeg(dir)];
    const verdicts: string[] = [];
    for (const file of files) {
      const report = await rt.run({ path: file, profile: rt.profiles.get('static_general') });
      verdicts.push(report.verdict);
      expect(validate(JSON.parse(JSON.stringify(report))), ajv.errorsText(validate.errors)).toBe(true);
    }
    expect(verdicts).toEqual(['pass', 'fail', 'error']);
  });

  it('the profile schema accepts every built-in profile and rejects a typo', async () => {
    const validate = ajv.compile(await published('profile'));
    for (const name of (await readdir(BUILTIN_PROFILES_DIR)).filter((n) => n.endsWith('.yaml'))) {
      const data: unknown = parse(await readFile(`${BUILTIN_PROFILES_DIR}${name}`, 'utf8'));
      expect(validate(data), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    expect(validate({ id: 'x', name: 'X', checks: [{ id: 'image.dimensions', params: { min_widht: 3 } }] })).toBe(false);
  });
});
