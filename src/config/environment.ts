/**
 * The process environment, read in one place: one zod schema per section (core, PDF, AI,
 * database, server, pipeline), each section typed, every problem of every section asked for
 * reported together (the variable and the fix), as Immich's `config.repository.ts` and
 * Karakeep's `packages/shared/config.ts` do.
 *
 * Sections are lazy: a caller names the ones it uses (`readEnvironment(env, ['core', 'ai'])`),
 * so `aiqc check` does not fail on a bad PORT and `--help` parses nothing. Box credentials are
 * read by src/box/settings.ts when a Box client is first made (a service starts without them).
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { boxConnectProblems } from '../boxconnect/settings.js';
import { ConfigError, problemsFromZod, type ConfigProblem } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

// ── core: where config and data live, engine limits, tools ──────────────────────────────────
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const coreSchema = z.object({
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

function buildCore(e: z.infer<typeof coreSchema>): Settings {
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

// ── pdf: limits on hostile or huge PDFs (validated again, with defaults, by the PDF family) ─
const pdfSchema = z.object({
  AIQC_PDF_MAX_DETAIL_PAGES: z.coerce.number().int().positive().optional(),
  AIQC_PDF_MAX_FILE_MB: z.coerce.number().positive().optional(),
  AIQC_GS_PATH: z.string().min(1).optional().meta({ description: 'Ghostscript for pdf.ink_coverage (default `gs` on PATH)' }),
});

/** The PDF family's limits as `env.extensions.pdf` takes them (snake_case; absent = default). */
export interface PdfLimits {
  max_detail_pages?: number;
  max_file_mb?: number;
  ghostscript_path?: string;
}

function buildPdf(e: z.infer<typeof pdfSchema>): PdfLimits {
  return {
    ...(e.AIQC_PDF_MAX_DETAIL_PAGES !== undefined ? { max_detail_pages: e.AIQC_PDF_MAX_DETAIL_PAGES } : {}),
    ...(e.AIQC_PDF_MAX_FILE_MB !== undefined ? { max_file_mb: e.AIQC_PDF_MAX_FILE_MB } : {}),
    ...(e.AIQC_GS_PATH !== undefined ? { ghostscript_path: e.AIQC_GS_PATH } : {}),
  };
}

// ── ai: which model the AI checks ask ─────────────────────────────────────────────────────
export const AI_PROVIDERS = ['openai', 'anthropic', 'openai-compatible'] as const;
export type AiProvider = (typeof AI_PROVIDERS)[number];

const positive = (fallback: number) => z.coerce.number().positive().default(fallback);

const aiSchema = z.object({
  AIQC_AI_PROVIDER: z.enum(AI_PROVIDERS).optional().meta({ description: 'openai | anthropic | openai-compatible (Ollama, vLLM, LM Studio…)' }),
  AIQC_AI_MODEL: z.string().min(1).optional().meta({ description: 'e.g. gpt-4.1-mini, claude-sonnet-4-5, qwen2.5vl:7b' }),
  AIQC_AI_BASE_URL: z.url().optional().meta({ description: 'API base URL; required for openai-compatible (e.g. http://127.0.0.1:11434/v1)' }),
  AIQC_AI_API_KEY: z.string().optional().meta({ description: 'Key for openai-compatible endpoints (only this one: a local endpoint never receives an OpenAI key)' }),
  OPENAI_API_KEY: z.string().optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  AIQC_AI_TIMEOUT_S: positive(90).meta({ description: 'Time limit of one model call, retries included' }),
  AIQC_AI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2).meta({ description: 'Retries of a failed call (429, 5xx, network), with backoff' }),
  AIQC_AI_IMAGE_MAX_PX: z.coerce.number().int().min(256).max(4096).default(1024).meta({ description: 'Long side of the image sent to the model' }),
  AIQC_AI_PRICE_INPUT_PER_MTOK: z.coerce.number().min(0).optional().meta({ description: 'USD per million input tokens, for the cost in reports' }),
  AIQC_AI_PRICE_OUTPUT_PER_MTOK: z.coerce.number().min(0).optional().meta({ description: 'USD per million output tokens' }),
  AIQC_AI_CACHE: z.enum(['on', 'off']).default('on').meta({ description: 'Cache answers by (asset, check config, model) under AIQC_DATA_DIR/ai-cache' }),
  AIQC_DATA_DIR: z.string().default('./data'),
});

export interface AiSettings {
  configured: true;
  provider: AiProvider;
  model: string;
  baseUrl?: string;
  /** The API key, behind a function so serialising the settings (a log line, a report) never prints it. */
  apiKey: () => string | undefined;
  timeoutMs: number;
  maxRetries: number;
  imageMaxPx: number;
  price?: { input_per_mtok: number; output_per_mtok: number };
  /** Folder of cached answers; undefined when caching is off. */
  cacheDir?: string;
}

export interface AiNotConfigured {
  configured: false;
  reason: string;
}

export type AiConfig = AiSettings | AiNotConfigured;

export const AI_NOT_CONFIGURED =
  'no AI model is configured: set AIQC_AI_PROVIDER (openai, anthropic or openai-compatible), AIQC_AI_MODEL and the API key to run AI checks';

/** No provider or model means AI checks are skipped (not an error); half a configuration is. */
function buildAi(e: z.infer<typeof aiSchema>, problems: ConfigProblem[]): AiConfig | undefined {
  if (!e.AIQC_AI_PROVIDER && !e.AIQC_AI_MODEL) return { configured: false, reason: AI_NOT_CONFIGURED };
  const before = problems.length;
  if (!e.AIQC_AI_PROVIDER) problems.push({ path: 'AIQC_AI_PROVIDER', message: 'AIQC_AI_MODEL is set but no provider', fix: `set AIQC_AI_PROVIDER to one of: ${AI_PROVIDERS.join(', ')}` });
  if (!e.AIQC_AI_MODEL) problems.push({ path: 'AIQC_AI_MODEL', message: 'AIQC_AI_PROVIDER is set but no model', fix: 'set AIQC_AI_MODEL to the model id the provider knows' });
  if (e.AIQC_AI_PROVIDER === 'openai-compatible' && !e.AIQC_AI_BASE_URL) {
    problems.push({ path: 'AIQC_AI_BASE_URL', message: 'openai-compatible needs the endpoint', fix: 'set AIQC_AI_BASE_URL, e.g. http://127.0.0.1:11434/v1 for Ollama' });
  }
  // Each provider reads its own key and no other: an openai-compatible endpoint (often a local
  // or third-party server) must never be sent the OpenAI account's key.
  const key = e.AIQC_AI_PROVIDER === 'anthropic' ? e.ANTHROPIC_API_KEY : e.AIQC_AI_PROVIDER === 'openai' ? e.OPENAI_API_KEY : e.AIQC_AI_API_KEY;
  if (!key && e.AIQC_AI_PROVIDER === 'openai') problems.push({ path: 'OPENAI_API_KEY', message: 'the OpenAI provider needs an API key', fix: 'set OPENAI_API_KEY' });
  if (!key && e.AIQC_AI_PROVIDER === 'anthropic') problems.push({ path: 'ANTHROPIC_API_KEY', message: 'the Anthropic provider needs an API key', fix: 'set ANTHROPIC_API_KEY' });
  if ((e.AIQC_AI_PRICE_INPUT_PER_MTOK === undefined) !== (e.AIQC_AI_PRICE_OUTPUT_PER_MTOK === undefined)) {
    problems.push({ path: 'AIQC_AI_PRICE_INPUT_PER_MTOK', message: 'input and output prices go together', fix: 'set both AIQC_AI_PRICE_INPUT_PER_MTOK and AIQC_AI_PRICE_OUTPUT_PER_MTOK, or neither' });
  }
  if (problems.length > before) return undefined;
  return {
    configured: true,
    provider: e.AIQC_AI_PROVIDER!,
    model: e.AIQC_AI_MODEL!,
    ...(e.AIQC_AI_BASE_URL ? { baseUrl: e.AIQC_AI_BASE_URL } : {}),
    apiKey: () => key,
    timeoutMs: e.AIQC_AI_TIMEOUT_S * 1000,
    maxRetries: e.AIQC_AI_MAX_RETRIES,
    imageMaxPx: e.AIQC_AI_IMAGE_MAX_PX,
    ...(e.AIQC_AI_PRICE_INPUT_PER_MTOK !== undefined && e.AIQC_AI_PRICE_OUTPUT_PER_MTOK !== undefined
      ? { price: { input_per_mtok: e.AIQC_AI_PRICE_INPUT_PER_MTOK, output_per_mtok: e.AIQC_AI_PRICE_OUTPUT_PER_MTOK } }
      : {}),
    ...(e.AIQC_AI_CACHE === 'on' ? { cacheDir: resolve(e.AIQC_DATA_DIR, 'ai-cache') } : {}),
  };
}

// ── database: PostgreSQL when DATABASE_URL is set, else the embedded SQLite file ────────────
export const SQLITE_FILE_NAME = 'aiqc.sqlite';
const DATABASE_URL_FIX = 'set it to postgres://USER:PASSWORD@HOST:5432/DB, or unset it to use the embedded SQLite database';

const databaseSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .refine((url) => URL.canParse(url), { error: `is not a URL: ${DATABASE_URL_FIX}` })
    .refine((url) => !URL.canParse(url) || ['postgres:', 'postgresql:'].includes(new URL(url).protocol), { error: `names a database other than PostgreSQL, the only one supported: ${DATABASE_URL_FIX}` })
    .optional()
    .meta({ description: 'postgres://USER:PASSWORD@HOST:5432/DB; unset: the embedded SQLite file under AIQC_DATA_DIR' }),
  AIQC_DATA_DIR: z.string().trim().default('./data'),
});

export type DatabaseSettings = { engine: 'sqlite'; path: string } | { engine: 'postgres'; connectionString: string };

function buildDatabase(e: z.infer<typeof databaseSchema>): DatabaseSettings {
  return e.DATABASE_URL ? { engine: 'postgres', connectionString: e.DATABASE_URL } : { engine: 'sqlite', path: resolve(join(e.AIQC_DATA_DIR, SQLITE_FILE_NAME)) };
}

// ── server: aiqc serve ───────────────────────────────────────────────────────────────────
export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '0.0.0.0';

const serverSchema = z.object({
  PORT: z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
    .transform(Number)
    .refine((n) => n <= 65_535, 'must be a whole number from 0 to 65535')
    .optional(),
  HOST: z.string().trim().min(1).optional(),
  AIQC_BASE_PATH: z
    .string()
    .trim()
    .regex(/^(\/?[A-Za-z0-9._~-]+)*\/?$/, 'must be a URL path such as /ai_qc')
    .optional(),
  BOX_WEBHOOK_PRIMARY_KEY: z.string().optional(),
  BOX_WEBHOOK_SECONDARY_KEY: z.string().optional(),
  // Per-user Box connect (DESIGN §10, src/boxconnect): on when BOX_CONNECT_CLIENT_ID is set.
  BOX_CONNECT_CLIENT_ID: z.string().optional().meta({ description: 'Client ID of the Box OAuth 2.0 app users connect their own Box with; turns Box connect on' }),
  BOX_CONNECT_CLIENT_SECRET: z.string().optional(),
  BOX_CONNECT_REDIRECT_URI: z.string().optional().meta({ description: 'The Redirect URI registered with that app (default: <this origin><AIQC_BASE_PATH>/auth/box/callback)' }),
  AIQC_SECRET_KEY: z.string().optional().meta({ description: 'Keys that encrypt stored Box tokens: "kid:base64(32 bytes)", several comma-separated, the first encrypts' }),
});

export interface ServerSettings {
  port: number;
  host: string;
  /** "" or a path like "/ai_qc". */
  basePath: string;
  webhookKeys: { primary?: string | undefined; secondary?: string | undefined };
}

/** "" or "/a/b" (a leading slash, no trailing one). */
export function normaliseBasePath(basePath: string | undefined): string {
  const trimmed = (basePath ?? '').trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function buildServer(e: z.infer<typeof serverSchema>, problems: ConfigProblem[]): ServerSettings {
  const { BOX_CONNECT_CLIENT_ID, BOX_CONNECT_CLIENT_SECRET, BOX_CONNECT_REDIRECT_URI, AIQC_SECRET_KEY } = e;
  problems.push(...boxConnectProblems({ BOX_CONNECT_CLIENT_ID, BOX_CONNECT_CLIENT_SECRET, BOX_CONNECT_REDIRECT_URI, AIQC_SECRET_KEY }));
  return {
    port: e.PORT ?? DEFAULT_PORT,
    host: e.HOST ?? DEFAULT_HOST,
    basePath: normaliseBasePath(e.AIQC_BASE_PATH),
    webhookKeys: { primary: e.BOX_WEBHOOK_PRIMARY_KEY?.trim() || undefined, secondary: e.BOX_WEBHOOK_SECONDARY_KEY?.trim() || undefined },
  };
}

// ── pipeline: worker and sweeper ─────────────────────────────────────────────────────────
const seconds = (min: number) => z.coerce.number().refine((n) => Number.isFinite(n) && n >= min, `must be a number of seconds ≥ ${min}`);

const pipelineSchema = z.object({
  AIQC_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  AIQC_JOB_LEASE_S: seconds(1).default(60),
  AIQC_SHUTDOWN_GRACE_S: seconds(0).default(30),
  AIQC_SWEEP_INTERVAL_S: seconds(1).default(300),
  AIQC_SWEEP_GRACE_S: seconds(0).default(120),
});

export interface PipelineSettings {
  /** Jobs one worker process runs at once (AIQC_WORKER_CONCURRENCY, default 2). */
  concurrency: number;
  /** A claim without a heartbeat expires after this (AIQC_JOB_LEASE_S, default 60). */
  leaseMs: number;
  /** On SIGTERM, running jobs get this long to finish before they are released (AIQC_SHUTDOWN_GRACE_S, default 30). */
  shutdownGraceMs: number;
  /** AIQC_SWEEP_INTERVAL_S, default 300. */
  sweepIntervalMs: number;
  /** AIQC_SWEEP_GRACE_S, default 120: a file younger than this is left to its webhook. */
  sweepGraceMs: number;
}

function buildPipeline(e: z.infer<typeof pipelineSchema>): PipelineSettings {
  return {
    concurrency: e.AIQC_WORKER_CONCURRENCY,
    leaseMs: Math.round(e.AIQC_JOB_LEASE_S * 1000),
    shutdownGraceMs: Math.round(e.AIQC_SHUTDOWN_GRACE_S * 1000),
    sweepIntervalMs: Math.round(e.AIQC_SWEEP_INTERVAL_S * 1000),
    sweepGraceMs: Math.round(e.AIQC_SWEEP_GRACE_S * 1000),
  };
}

// ── the sections together ──────────────────────────────────────────────────────────────
interface Section<S extends z.ZodObject, T> {
  schema: S;
  build: (values: z.infer<S>, problems: ConfigProblem[]) => T | undefined;
}

const section = <S extends z.ZodObject, T>(schema: S, build: (values: z.infer<S>, problems: ConfigProblem[]) => T | undefined): Section<S, T> => ({ schema, build });

const SECTIONS = {
  core: section(coreSchema, buildCore),
  pdf: section(pdfSchema, buildPdf),
  ai: section(aiSchema, buildAi),
  database: section(databaseSchema, buildDatabase),
  server: section(serverSchema, buildServer),
  pipeline: section(pipelineSchema, buildPipeline),
};

type Sections = typeof SECTIONS;
export type SectionName = keyof Sections;
export type EnvironmentSettings = { [K in SectionName]: Sections[K] extends Section<z.ZodObject, infer T> ? T : never };

/** Every variable the environment module reads, with its description (README, `--help`). */
export const ENVIRONMENT_SCHEMAS: { readonly [K in SectionName]: Sections[K]['schema'] } = Object.fromEntries(
  Object.entries(SECTIONS).map(([name, s]) => [name, s.schema]),
) as never;

/**
 * Parse the named sections of the environment. Throws one `ConfigError` (file "environment")
 * listing every problem of every section, each naming the variable and the fix.
 */
export function readEnvironment<const N extends SectionName>(env: Env, names: readonly N[]): Pick<EnvironmentSettings, N> {
  const problems: ConfigProblem[] = [];
  const out: Partial<EnvironmentSettings> = {};
  for (const name of names) {
    const s = SECTIONS[name] as Section<z.ZodObject, unknown>;
    // An empty variable counts as unset, as a shell `FOO=` intends.
    const values = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in s.schema.shape && value !== undefined && value.trim() !== ''));
    const parsed = s.schema.safeParse(values);
    if (!parsed.success) {
      problems.push(...problemsFromZod(parsed.error).map((p) => ({ ...p, fix: `set ${p.path} to a valid value (${p.fix}), or unset it for the default` })));
      continue;
    }
    const built = s.build(parsed.data, problems);
    if (built !== undefined) (out as Record<string, unknown>)[name] = built;
  }
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return out as Pick<EnvironmentSettings, N>;
}
