// Reading BOX_* settings and the app's JSON config: every problem named with its fix.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BOX_PRODUCTION_URLS, BoxConfigError, boxSettingsFromEnv, readJwtConfig } from '../../src/box/index.js';

const dir = mkdtempSync(join(tmpdir(), 'aiqc-box-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configError(fn: () => unknown): BoxConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BoxConfigError);
    return err as BoxConfigError;
  }
  throw new Error('expected a BoxConfigError');
}

describe('boxSettingsFromEnv', () => {
  it('prefers JWT and defaults to Box’s production hosts', () => {
    expect(boxSettingsFromEnv({ BOX_JWT_CONFIG_PATH: '/etc/aiqc/box.json', BOX_CLIENT_ID: 'ignored' })).toEqual({
      auth: { kind: 'jwt', configPath: '/etc/aiqc/box.json' },
      baseUrls: BOX_PRODUCTION_URLS,
    });
  });

  it('takes client credentials with an enterprise id and custom base URLs', () => {
    const settings = boxSettingsFromEnv({
      BOX_CLIENT_ID: 'id',
      BOX_CLIENT_SECRET: 'secret',
      BOX_ENTERPRISE_ID: '42',
      BOX_API_BASE_URL: 'http://127.0.0.1:9000/',
      BOX_UPLOAD_BASE_URL: 'http://127.0.0.1:9000/api',
    });
    expect(settings.auth).toEqual({ kind: 'ccg', clientId: 'id', clientSecret: 'secret', enterpriseId: '42' });
    expect(settings.baseUrls).toEqual({ baseUrl: 'http://127.0.0.1:9000', uploadUrl: 'http://127.0.0.1:9000/api', oauth2Url: BOX_PRODUCTION_URLS.oauth2Url });
  });

  it('reports every problem at once', () => {
    const err = configError(() => boxSettingsFromEnv({ BOX_CLIENT_ID: 'id', BOX_API_BASE_URL: 'ftp://x' }));
    expect(err.problems).toHaveLength(3);
    expect(err.message).toContain('BOX_CLIENT_SECRET is not set');
    expect(err.message).toContain('BOX_ENTERPRISE_ID');
    expect(err.message).toContain('BOX_API_BASE_URL=ftp://x');
    expect(configError(() => boxSettingsFromEnv({})).message).toContain('BOX_JWT_CONFIG_PATH');
  });
});

describe('readJwtConfig', () => {
  it('names the file, the JSON path and the fix', () => {
    const missing = join(dir, 'missing.json');
    expect(configError(() => readJwtConfig(missing)).message).toContain(`BOX_JWT_CONFIG_PATH=${missing} cannot be read (ENOENT)`);
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ boxAppSettings: { clientID: 'x', clientSecret: 'y', appAuth: { publicKeyID: 'k', passphrase: 'p' } }, enterpriseID: '1' }));
    const err = configError(() => readJwtConfig(partial));
    expect(err.message).toContain(`${partial}: boxAppSettings.appAuth.privateKey`);
    expect(err.message).toContain('Download as JSON');
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'clientID=x');
    expect(configError(() => readJwtConfig(notJson)).message).toContain('is not JSON');
  });
});
