/**
 * A client's brand facts in clients.yaml (`brand:`), read by the image checks: the colour
 * palette (`image.brand_colours`) and the web domains its QR codes may lead to
 * (`image.qr_code`). Kept apart from clients.ts so checks can read it without the loader.
 */
import { z } from 'zod';
import type { ConfigProblem } from './errors.js';
import type { QcClient } from '../qc/types.js';

export interface PaletteColour {
  name: string;
  /** `#rrggbb`, lower case. */
  hex: string;
}

export interface ClientBrand {
  palette?: PaletteColour[];
  /** Host names, lower case, without scheme or path; sub-domains match. */
  allowed_domains?: string[];
}

// Strings here and checked in `brandProblems`, so a bad value is reported with its own fix
// (a pattern in the schema would give only "match the expected format").
export const brandSchema = z
  .strictObject({
    palette: z
      .array(
        z.strictObject({
          name: z.string().min(1).meta({ description: 'e.g. "Brand red"' }),
          hex: z.string().meta({ description: 'sRGB colour as #RRGGBB, e.g. "#E4002B"' }),
        }),
      )
      .min(1)
      .optional()
      .meta({ description: 'Brand colours for image.brand_colours' }),
    allowed_domains: z
      .array(z.string())
      .min(1)
      .optional()
      .meta({ description: 'Host names QR codes may point to (sub-domains included), e.g. ["example.com"]' }),
  })
  .meta({ description: 'Brand facts the image checks compare against' });

const HEX = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i;
const HOST = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/** `#abc`/`abc`/`#AABBCC` → `#aabbcc`; undefined when it is not a hex colour. */
export function normaliseHex(value: string): string | undefined {
  const m = HEX.exec(value.trim());
  if (!m) return undefined;
  const h = m[1]!.toLowerCase();
  return `#${h.length === 3 ? [...h].map((c) => c + c).join('') : h}`;
}

/** A host name as written in clients.yaml, lower case, IDN as punycode; undefined when it is not one. */
export function normaliseDomain(value: string): string | undefined {
  const v = value.trim().toLowerCase().replace(/\.$/, '');
  if (/[/:?#@\s]/.test(v)) return undefined;
  try {
    const host = new URL(`http://${v}`).hostname;
    return HOST.test(host) ? host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The brand block checked and normalised; each bad value a problem with its path and fix.
 * `at` turns a path inside the file into the label shown (with the YAML line when known).
 */
export function parseBrand(raw: z.infer<typeof brandSchema>, base: PropertyKey[], at: (path: PropertyKey[], label: string) => string): { brand: ClientBrand; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const label = base.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
  const palette = raw.palette?.flatMap((c, i) => {
    const hex = normaliseHex(c.hex);
    if (!hex) {
      problems.push({ path: at([...base, 'palette', i, 'hex'], `${label}.palette[${i}].hex`), message: `"${c.hex}" is not a hex colour`, fix: 'write the sRGB colour as "#RRGGBB" (six hex digits, quoted in YAML), e.g. "#E4002B"' });
      return [];
    }
    return [{ name: c.name, hex }];
  });
  const domains = raw.allowed_domains?.flatMap((d, i) => {
    const host = normaliseDomain(d);
    if (!host) {
      problems.push({ path: at([...base, 'allowed_domains', i], `${label}.allowed_domains[${i}]`), message: `"${d}" is not a host name`, fix: 'write the host name only, e.g. "example.com" (no https://, no path; sub-domains such as www.example.com match it)' });
      return [];
    }
    return [host];
  });
  return { brand: { ...(palette ? { palette } : {}), ...(domains ? { allowed_domains: [...new Set(domains)] } : {}) }, problems };
}

/** The brand of the client a check runs for (a `ClientConfig` carries it; `QcClient` does not name it). */
export function clientBrand(client: QcClient | undefined): ClientBrand | undefined {
  return (client as (QcClient & { brand?: ClientBrand }) | undefined)?.brand;
}
