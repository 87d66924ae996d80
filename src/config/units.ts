/** Human units used in profiles: sizes like "30 MB" (DESIGN §5). */
import { z } from 'zod';

// Decimal units follow what platforms publish ("30 MB" on Meta's spec is 30,000,000
// bytes); the binary ones are there for people who mean them.
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = SIZE_UNITS[unit];
  return factor === undefined ? undefined : Math.round(Number(m[1]) * factor);
}

export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** A size given as bytes (number) or text ("30 MB", "150 KiB"); parsed to bytes. */
export const sizeSchema = z
  .union([z.number().int().min(0), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const bytes = parseSize(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a size: write e.g. "30 MB", "150 KB" or "2 GiB"` });
      return z.NEVER;
    }
    return bytes;
  })
  .meta({ description: 'Bytes, or text like "30 MB" (decimal) or "2 GiB" (binary).' });

/** "1080x1080" → {width, height}. */
export const dimensionsSchema = z
  .string()
  .regex(/^\s*\d+\s*x\s*\d+\s*$/i, 'write dimensions as WIDTHxHEIGHT, e.g. "1080x1920"')
  .transform((s) => {
    const [w, h] = s.toLowerCase().split('x').map((n) => Number(n.trim()));
    return { width: w!, height: h!, label: `${w}x${h}` };
  });

/** "9:16" or 0.5625 → ratio as a number, with its label. */
export const ratioSchema = z
  .union([z.number().positive(), z.string().regex(/^\s*\d+(\.\d+)?\s*:\s*\d+(\.\d+)?\s*$/, 'write ratios as W:H, e.g. "9:16"')])
  .transform((v) => {
    if (typeof v === 'number') return { ratio: v, label: v.toFixed(3) };
    const [w, h] = v.split(':').map((n) => Number(n.trim()));
    return { ratio: w! / h!, label: `${w}:${h}` };
  });
