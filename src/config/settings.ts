/**
 * Process settings from the environment, parsed once at the edge (with every problem
 * reported together) into one typed object.
 */
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, problemsFromZod } from './errors.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  AIQC_CONFIG_DIR: z.string().default('./config'),
  AIQC_DATA_DIR: z.string().default('./data'),
  AIQC_MAX_PIXELS: positiveInt(150_000_000).meta({ description: 'Largest image (pixels) decoded; larger ones are refused unread' }),
  AIQC_CHECK_TIMEOUT_S: positiveInt(300),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  FFPROBE_PATH: z.string().default('ffprobe'),
  TMPDIR: z.string().optional(),
});

export interface Settings {
  configDir: string;
  dataDir: string;
  maxPixels: number;
  checkTimeoutMs: number;
  ffmpegPath: string;
  ffprobePath: string;
  tmpDir: string;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    throw new ConfigError('environment', problemsFromZod(parsed.error).map((p) => ({ ...p, fix: `set ${p.path} to a valid value (${p.fix})` })));
  }
  const e = parsed.data;
  return {
    configDir: resolve(e.AIQC_CONFIG_DIR),
    dataDir: resolve(e.AIQC_DATA_DIR),
    maxPixels: e.AIQC_MAX_PIXELS,
    checkTimeoutMs: e.AIQC_CHECK_TIMEOUT_S * 1000,
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    tmpDir: e.TMPDIR ?? tmpdir(),
  };
}
