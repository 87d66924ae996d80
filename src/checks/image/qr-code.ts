import { z } from 'zod';
import { imageQrCodes, type FoundCode } from '../../analysis/image-qr.js';
import { clientBrand, normaliseDomain } from '../../config/brand.js';
import type { CheckOutcome } from '../../qc/types.js';
import { defineCheck, list } from '../define.js';

type Judgement = { code: FoundCode; ok: boolean; why: string };

/** The web address a QR code holds, if it holds one (bare `www.…` counts; other schemes do not). */
function urlOf(text: string): URL | undefined {
  const t = text.trim();
  try {
    if (/^https?:\/\//i.test(t)) return new URL(t);
    if (/^[\w-]+(\.[\w-]+)+(\/\S*)?$/.test(t)) return new URL(`http://${t}`);
  } catch {
    return undefined;
  }
  return undefined;
}

const shortText = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);

export const imageQrCode = defineCheck({
  id: 'image.qr_code',
  name: 'QR code',
  description:
    'Every QR code in the image decodes, and its web address is on one of the client’s `brand.allowed_domains` (clients.yaml) or `allowed_domains` here, sub-domains included; `required` fails an image without one, `unreadable` sets what a code that cannot be decoded gives.',
  appliesTo: ['image'],
  params: () => z.strictObject({
    required: z.boolean().default(false).meta({ description: 'Fail when no QR code is found (default false: none is a pass)' }),
    allowed_domains: z
      .array(z.string().transform((v, ctx) => normaliseDomain(v) ?? (ctx.addIssue({ code: 'custom', message: `"${v}" is not a host name: write e.g. "example.com" (no https://, no path)` }), z.NEVER)))
      .min(1)
      .optional()
      .meta({ description: 'Host names for this profile, instead of the client’s `brand.allowed_domains`' }),
    allow_subdomains: z.boolean().default(true).meta({ description: 'shop.example.com matches example.com (default true)' }),
    require_https: z.boolean().default(false).meta({ description: 'Fail a code whose address is http:// (default false)' }),
    unreadable: z.enum(['fail', 'warn']).default('fail').meta({ description: 'Result for a QR code that is found but cannot be decoded (default fail)' }),
  }),
  async run({ params, analyses, client }): Promise<CheckOutcome> {
    const { codes, engine } = await analyses.get(imageQrCodes);
    const domains = params.allowed_domains ?? clientBrand(client)?.allowed_domains;
    const measured = { codes_found: codes.length, decoded: codes.filter((c) => c.text !== undefined).map((c) => c.text!), decoder: engine };
    const expected = { required: params.required, allowed_domains: domains ?? [], ...(params.require_https ? { require_https: true } : {}) };
    if (codes.length === 0) {
      return params.required
        ? { status: 'fail', message: 'no QR code was found in the image, and the profile requires one: add the QR code (with a quiet zone of 4 modules around it), or check it is not too small to scan', measured, expected }
        : { status: 'pass', message: 'no QR code in the image', measured, expected };
    }
    const readable = codes.filter((c) => c.text !== undefined);
    const unreadable = codes.filter((c) => c.text === undefined);
    if (!domains && readable.length > 0) {
      return {
        status: 'skipped',
        message: `${readable.map((c) => `"${shortText(c.text!)}"`).join(', ')} decoded, but there is no list of allowed domains to judge ${readable.length === 1 ? 'it' : 'them'} against: ${client ? `add \`brand.allowed_domains\` to clients.${client.id} in clients.yaml` : 'name the client (e.g. --client) or give `allowed_domains` in the profile'}`,
        measured,
        expected,
      };
    }
    const judged: Judgement[] = readable.map((code) => {
      const url = urlOf(code.text!);
      if (!url || !/^https?:$/.test(url.protocol)) return { code, ok: false, why: `holds "${shortText(code.text!)}", not a web address` };
      const host = url.hostname.toLowerCase();
      const match = (domains ?? []).find((d) => host === d || (params.allow_subdomains && host.endsWith(`.${d}`)));
      if (!match) return { code, ok: false, why: `leads to ${host} (${shortText(code.text!)}), which is not an allowed domain` };
      if (params.require_https && url.protocol !== 'https:') return { code, ok: false, why: `leads to ${shortText(code.text!)} over plain http (https required)` };
      return { code, ok: true, why: `leads to ${shortText(code.text!)} (allowed: ${match})` };
    });
    const evidence = [
      ...judged.map((j) => ({ label: `QR code ${j.why}`, box: j.code.box, detail: { text: j.code.text, format: j.code.format, allowed: j.ok } })),
      ...unreadable.map((c) => ({ label: `QR code found but not decodable (${c.error})`, box: c.box, detail: { format: c.format, error: c.error } })),
    ];
    const bad = judged.filter((j) => !j.ok);
    if (bad.length > 0) {
      return {
        status: 'fail',
        message: `${bad.map((j) => `a QR code ${j.why}`).join('; ')}: point it at ${domains && domains.length ? list(domains) : 'an allowed domain'}${client ? `, or add the domain to clients.${client.id}.brand.allowed_domains if it is the client’s` : ''}`,
        measured,
        expected,
        evidence,
      };
    }
    if (unreadable.length > 0) {
      return {
        status: params.unreadable,
        message: `${unreadable.length === 1 ? 'a QR code was' : `${unreadable.length} QR codes were`} found but could not be decoded (${unreadable[0]!.error}): re-export it sharper and larger, keep the quiet zone clear and the contrast high, then scan it with a phone`,
        measured,
        expected,
        evidence,
      };
    }
    return { status: 'pass', message: `${judged.length === 1 ? 'the QR code' : `all ${judged.length} QR codes`} ${judged.map((j) => j.why).join('; ')}`, measured, expected, evidence };
  },
});
