/**
 * Answers of the model on disk, one JSON file per (asset sha256, check config, model):
 * asking again about the same file with the same question costs nothing. An unreadable or
 * outdated entry is treated as absent; writes are atomic (temp file + rename).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { aiVerdictSchema } from './verdict.js';

export const CACHE_FORMAT = 1;

const entrySchema = z.object({
  format: z.literal(CACHE_FORMAT),
  model: z.string(),
  created_at: z.string(),
  verdict: aiVerdictSchema,
  usage: z.object({ input_tokens: z.number().optional(), output_tokens: z.number().optional(), total_tokens: z.number().optional() }),
  duration_ms: z.number(),
});

export type CacheEntry = z.infer<typeof entrySchema>;

export function cacheKey(parts: { asset_sha256: string; check: string; config: unknown; model: string; images: string }): string {
  return createHash('sha256').update(JSON.stringify({ v: CACHE_FORMAT, ...parts, config: canonical(parts.config) })).digest('hex');
}

/** JSON with sorted keys, so the same config in another key order is the same question. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  return value;
}

export class AiCache {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    try {
      const parsed = entrySchema.safeParse(JSON.parse(await readFile(this.file(key), 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    const file = this.file(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(entry, null, 2));
    await rename(tmp, file);
  }
}
