import { describe, expect, it } from 'vitest';
import { ServeConfigError, serveConfigFromEnv } from '../../src/server/config.js';

describe('serveConfigFromEnv', () => {
  it('has defaults that start without Box credentials', () => {
    expect(serveConfigFromEnv({})).toEqual({ port: 8080, host: '0.0.0.0', basePath: '', webhookKeys: { primary: undefined, secondary: undefined } });
  });

  it('reads PORT, HOST, AIQC_BASE_PATH and the webhook keys', () => {
    expect(
      serveConfigFromEnv({ PORT: '3000', HOST: '127.0.0.1', AIQC_BASE_PATH: 'ai_qc/', BOX_WEBHOOK_PRIMARY_KEY: 'p', BOX_WEBHOOK_SECONDARY_KEY: ' s ' }),
    ).toEqual({ port: 3000, host: '127.0.0.1', basePath: '/ai_qc', webhookKeys: { primary: 'p', secondary: 's' } });
  });

  it('reports every bad value together, naming the variable', () => {
    expect(() => serveConfigFromEnv({ PORT: 'eighty', AIQC_BASE_PATH: 'a b' })).toThrow(ServeConfigError);
    expect(() => serveConfigFromEnv({ PORT: '70000', AIQC_BASE_PATH: 'a b' })).toThrow(/PORT must be a whole number.*AIQC_BASE_PATH must be a URL path/);
  });
});
