import { z } from 'zod';
import { aiJudge } from '../../analysis/ai/judge.js';
import { aiConfigOf } from '../../analysis/ai/settings.js';
import { textContent } from '../../analysis/text/content.js';
import { languagesParam } from '../../analysis/text/languages.js';
import { allWords, type FractionBox, type TextWord } from '../../analysis/text/types.js';
import { imageProbe } from '../../analysis/image.js';
import { requestOf, type CheckContext, type CheckOutcome } from '../../qc/types.js';
import { defineCheck, list } from '../define.js';

export interface Zone extends FractionBox {
  name: string;
}

const H = 1920;
const W = 1080;

/**
 * Areas of a 9:16 (1080×1920) frame that the platform's own interface covers, as fractions of
 * the frame. Values as published when this was written; platforms change them, re-check.
 * - meta_stories: Meta Ads Guide, "Image ads — Stories" (facebook.com/business/ads-guide/image):
 *   "leave roughly 14% (250 pixels) of the top and bottom of the image free from text and
 *   logos" — the profile/name bar on top, the reply box or call-to-action below. The pixels
 *   are taken (250 of 1920, 13 %), as the guide's example frame draws them.
 * - meta_reels: Meta Ads Guide, "Reels ads" safe zones (facebook.com/business/ads-guide,
 *   Reels): keep 14 % at the top, 35 % at the bottom (caption, name, call to action) and 6 %
 *   on the left and right free of text and logos.
 * - tiktok: TikTok Ads Manager help, "Ad creative safe zones" and the Creative Center safe-zone
 *   overlay for 1080×1920 in-feed ads: the right 140 px (like, comment, share buttons), the
 *   bottom 484 px (account name, caption, music, call to action), the top 130 px (Following /
 *   For You tabs) and the left 60 px.
 */
export const PLATFORM_ZONES: Record<'meta_stories' | 'meta_reels' | 'tiktok', Zone[]> = {
  meta_stories: [
    { name: 'top bar (250 px)', x: 0, y: 0, w: 1, h: 250 / H },
    { name: 'bottom bar (250 px)', x: 0, y: 1 - 250 / H, w: 1, h: 250 / H },
  ],
  meta_reels: [
    { name: 'top 14%', x: 0, y: 0, w: 1, h: 0.14 },
    { name: 'bottom 35%', x: 0, y: 0.65, w: 1, h: 0.35 },
    { name: 'left 6%', x: 0, y: 0, w: 0.06, h: 1 },
    { name: 'right 6%', x: 0.94, y: 0, w: 0.06, h: 1 },
  ],
  tiktok: [
    { name: 'top tabs (130 px)', x: 0, y: 0, w: 1, h: 130 / H },
    { name: 'bottom caption and CTA (484 px)', x: 0, y: 1 - 484 / H, w: 1, h: 484 / H },
    { name: 'left edge (60 px)', x: 0, y: 0, w: 60 / W, h: 1 },
    { name: 'right buttons (140 px)', x: 1 - 140 / W, y: 0, w: 140 / W, h: 1 },
  ],
};

const fraction = z.number().min(0).max(1);
const PLATFORMS = Object.keys(PLATFORM_ZONES) as Array<keyof typeof PLATFORM_ZONES>;
/** Platform zones are drawn for 9:16; a frame further off than this is not judged against them. */
const RATIO_TOLERANCE = 0.03;

function overlapOf(box: FractionBox, zone: FractionBox): number {
  const w = Math.min(box.x + box.w, zone.x + zone.w) - Math.max(box.x, zone.x);
  const h = Math.min(box.y + box.h, zone.y + zone.h) - Math.max(box.y, zone.y);
  return w > 0 && h > 0 ? (w * h) / Math.max(1e-9, box.w * box.h) : 0;
}

function union(boxes: FractionBox[]): FractionBox {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, w: Math.max(...boxes.map((b) => b.x + b.w)) - x, h: Math.max(...boxes.map((b) => b.y + b.h)) - y };
}

const round = (b: FractionBox): FractionBox => ({ x: Number(b.x.toFixed(4)), y: Number(b.y.toFixed(4)), w: Number(b.w.toFixed(4)), h: Number(b.h.toFixed(4)) });

interface LogoSearch {
  boxes: Array<{ label: string; box: FractionBox }>;
  /** What `measured.logos` says: how the logos were looked for, or why not. */
  note: string;
}

/**
 * Where the AI model places logos. OCR cannot find a logo that is a mark, not words; a vision
 * model can, roughly. No model configured, or a failed call: said, and the text judgement stands.
 */
async function findLogos(ctx: CheckContext<{ logos: boolean }>): Promise<LogoSearch> {
  if (!ctx.params.logos) return { boxes: [], note: 'not looked for (logos: false)' };
  const config = aiConfigOf(ctx.env);
  if (!config.configured) return { boxes: [], note: 'not located: no AI model configured (text only)' };
  try {
    const judge = await ctx.analyses.get(aiJudge);
    const answer = await judge.ask({
      check: 'image.safe_zones',
      config: { question: 'logos' },
      instructions:
        'Locate every logo, brand mark, wordmark, badge or legal seal in the image. For each, give one region with label "logo: <what it is>" ' +
        'tightly around it, as fractions of the width and height from the top-left. Answer pass with a short explanation listing what you found; empty regions if there is none.',
      signal: ctx.signal,
    });
    const boxes = answer.verdict.regions.map((r) => ({ label: r.label.replace(/^logo:\s*/i, ''), box: { x: r.x, y: r.y, w: r.w, h: r.h } }));
    return { boxes, note: `${boxes.length} located by ${answer.model}${answer.cached ? ' (cached)' : ''}; boxes are approximate` };
  } catch (err) {
    return { boxes: [], note: `not located: the AI model failed (${err instanceof Error ? err.message : String(err)}); text only` };
  }
}

export const imageSafeZones = defineCheck({
  id: 'image.safe_zones',
  name: 'Safe zones',
  description:
    'No text (OCR word boxes) lies in the areas the platform’s interface covers on 9:16 Stories, Reels and TikTok — `platform` meta_stories, meta_reels or tiktok, with the zones from their published specs — or in explicit `zones`. With an AI model configured, `logos` also asks it where logos are; its boxes are approximate, so a logo in a zone is a warning.',
  appliesTo: ['image'],
  params: () => z
    .strictObject({
      platform: z.enum(PLATFORMS).optional().meta({ description: 'meta_stories, meta_reels or tiktok: the published UI-overlap areas for a 9:16 frame' }),
      zones: z
        .array(z.strictObject({ name: z.string().min(1), x: fraction, y: fraction, w: fraction, h: fraction }))
        .min(1)
        .optional()
        .meta({ description: 'Explicit zones as fractions of the frame from the top-left, e.g. [{ name: "bottom bar", x: 0, y: 0.8, w: 1, h: 0.2 }]' }),
      min_overlap: z.number().gt(0).max(1).default(0.25).meta({ description: 'Share of a word’s box inside a zone for it to count (default 0.25)' }),
      min_confidence: z.number().min(0).max(100).default(60).meta({ description: 'OCR words read with less confidence (0..100) are ignored as noise (default 60)' }),
      languages: languagesParam,
      logos: z.boolean().default(true).meta({ description: 'Also ask the AI model (when one is configured) where logos are; a logo in a zone warns (default true)' }),
    })
    .refine((p) => (p.platform === undefined) !== (p.zones === undefined), { message: 'give either `platform` (meta_stories, meta_reels, tiktok) or `zones`, not both and not neither' }),
  requires: (p) => [requestOf(textContent, { languages: p.languages })],
  async run(ctx): Promise<CheckOutcome> {
    const { params, analyses } = ctx;
    const zones = params.zones ?? PLATFORM_ZONES[params.platform!];
    const source = params.platform ?? 'profile zones';
    const { details } = await analyses.get(imageProbe);
    const ratio = details.width / details.height;
    if (params.platform && Math.abs(ratio / (9 / 16) - 1) > RATIO_TOLERANCE) {
      return { status: 'skipped', message: `${params.platform} safe zones are for 9:16 frames; this image is ${details.width}×${details.height}: check its shape first (image.aspect_ratio), or give explicit \`zones\``, measured: { width: details.width, height: details.height } };
    }
    const content = await analyses.get(textContent);
    const words = allWords(content).filter((w) => (w.confidence ?? 100) >= params.min_confidence && (w.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 2);
    // Words of one line in one zone are one finding with one box: "SHOP NOW", not "SHOP", "NOW".
    const hits = new Map<string, { zone: Zone; words: TextWord[] }>();
    for (const w of words) {
      const zone = zones.map((z) => ({ z, o: overlapOf(w.box, z) })).filter((x) => x.o >= params.min_overlap).sort((a, b) => b.o - a.o)[0]?.z;
      if (!zone) continue;
      const key = `${zone.name}\u0000${w.line}`;
      const hit = hits.get(key) ?? { zone, words: [] };
      hit.words.push(w);
      hits.set(key, hit);
    }
    const findings = [...hits.values()].map((h) => ({ zone: h.zone.name, text: h.words.map((w) => w.text).join(' '), box: round(union(h.words.map((w) => w.box))) }));
    const logos = await findLogos(ctx);
    const logoHits = logos.boxes.flatMap((l) => {
      const zone = zones.map((z) => ({ z, o: overlapOf(l.box, z) })).filter((x) => x.o >= params.min_overlap).sort((a, b) => b.o - a.o)[0]?.z;
      return zone ? [{ zone: zone.name, label: l.label, box: round(l.box) }] : [];
    });
    const measured = { words_read: words.length, words_in_zones: findings.reduce((s, f) => s + f.text.split(' ').length, 0), text_source: content.engine, logos: logos.note, ...(logos.boxes.length ? { logos_in_zones: logoHits.length } : {}) };
    const expected = { platform: source, zones: zones.map((z) => ({ name: z.name, ...round(z) })) };
    const logoEvidence = logoHits.map((l) => ({ label: `logo (${l.label}) in the ${l.zone}, as the AI model places it`, box: l.box, detail: { zone: l.zone, logo: l.label } }));
    if (findings.length === 0 && logoHits.length > 0) {
      return {
        status: 'warn',
        message: `no text in the ${source} UI areas, but the AI model places ${logoHits.map((l) => `a logo (${l.label}) in the ${l.zone}`).join(', ')}: its boxes are approximate — look, and move the logo into the middle of the frame if it is there`,
        measured,
        expected,
        evidence: logoEvidence,
      };
    }
    if (findings.length === 0) {
      return { status: 'pass', message: `no text in the ${source} UI areas (${list(zones.map((z) => z.name))}); ${words.length} word${words.length === 1 ? '' : 's'} read, all clear of them`, measured, expected };
    }
    return {
      status: 'fail',
      message: `text under the platform’s interface: ${findings
        .slice(0, 5)
        .map((f) => `"${f.text}" in the ${f.zone}`)
        .join(', ')}${findings.length > 5 ? ` and ${findings.length - 5} more` : ''} — move it into the middle of the frame, where the ${source} interface does not cover it`,
      measured,
      expected,
      evidence: [...findings.map((f) => ({ label: `"${f.text}" in the ${f.zone}`, box: f.box, detail: { zone: f.zone, text: f.text } })), ...logoEvidence],
    };
  },
});
