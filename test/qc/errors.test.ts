// One error vocabulary: every error class in src/ extends AiqcError, whose code is a stable
// snake_case string and which carries the fix when there is one. Read from the source, so a new
// class that extends Error directly, or a code in another case, fails here.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoxApiError } from '../../src/box/errors.js';
import { ConfigError } from '../../src/config/errors.js';
import { PermanentJobError } from '../../src/jobs/errors.js';
import { AiqcError, ToolMissingError } from '../../src/qc/errors.js';
import { TimeoutError } from '../../src/qc/engine.js';

const SRC = new URL('../../src/', import.meta.url).pathname;
/** The Box emulator is a stand-in for Box with Box's own error shapes; PdfStructureError is in a file issue 11 is splitting. */
const EXEMPT = new Set(['box-emulator/oauth.ts:OAuthError', 'box-emulator/core.ts:EmuApiError', 'analysis/pdf/structure.ts:PdfStructureError']);

async function* sources(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

describe('the error vocabulary', () => {
  it('every error class extends AiqcError, and every literal code is snake_case', async () => {
    const direct: string[] = [];
    const badCodes: string[] = [];
    for await (const path of sources(SRC)) {
      const text = await readFile(path, 'utf8');
      const name = relative(SRC, path);
      for (const m of text.matchAll(/class (\w+) extends Error\b/g)) {
        if (m[1] !== 'AiqcError' && !EXEMPT.has(`${name}:${m[1]}`)) direct.push(`${name}: ${m[1]}`);
      }
      if (/extends AiqcError/.test(text)) {
        for (const m of text.matchAll(/super\(\s*'([^']*)'/g)) if (!/^[a-z][a-z0-9_]*$/.test(m[1]!)) badCodes.push(`${name}: '${m[1]}'`);
      }
    }
    expect(direct).toEqual([]);
    expect(badCodes).toEqual([]);
  });

  it('carries code, fix, cause and the class name', () => {
    const cause = new Error('spawn ffmpeg ENOENT');
    const missing = new ToolMissingError('ffmpeg', 'install it: apt-get install ffmpeg', { cause });
    expect(missing).toBeInstanceOf(AiqcError);
    expect(missing).toMatchObject({ name: 'ToolMissingError', code: 'tool_missing', fix: 'install it: apt-get install ffmpeg', cause });
    expect(new TimeoutError('pdf.fonts_embedded timed out after 300 s')).toMatchObject({ name: 'TimeoutError', code: 'check_timeout', fix: expect.stringContaining('AIQC_CHECK_TIMEOUT_S') });
    expect(new ConfigError('environment', [{ path: 'PORT', message: 'not a number', fix: 'set PORT to a number' }])).toMatchObject({ code: 'config_invalid', fix: 'set PORT to a number' });
    expect(new PermanentJobError('gone', { code: 'box_not_found' })).toMatchObject({ code: 'box_not_found', permanent: true });
    expect(new BoxApiError({ status: 403, code: 'access_denied_insufficient_permissions', message: 'no access', hint: 'invite the service account' })).toMatchObject({
      name: 'BoxApiError',
      code: 'access_denied_insufficient_permissions',
      fix: 'invite the service account',
    });
  });
});
