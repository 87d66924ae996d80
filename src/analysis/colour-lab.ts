/**
 * Colour science for `image.brand_colours` (pure): sRGB → CIE Lab (D65) and ΔE2000 by culori,
 * and the dominant colours of a pixel sample — a 5-bit-per-channel histogram whose occupied
 * bins are grouped by weighted k-means in Lab (Lab distance is what "looks alike" means);
 * clusters within ΔE2000 < 3 of each other are merged: one colour seen twice is one colour.
 * Its own module because culori's ESM build is ~150 files: only a run that compares brand
 * colours loads it (`await import`), not every `aiqc check` of a video or a PDF.
 */
import { converter, differenceCiede2000, modeLab65, modeLrgb, modeRgb, modeXyz65, parseHex, useMode, type Lab65 } from 'culori/fn';

export type Lab = [number, number, number];

export interface DominantColour {
  /** Mean sRGB of the cluster, `#rrggbb`. */
  hex: string;
  /** CIE Lab (D65 white, sRGB's own: no chromatic adaptation) of `hex`. */
  lab: Lab;
  /** Fraction 0..1 of the picture's pixels. */
  share: number;
}

/** Clusters before merging: more than a palette has, so a small off-brand area is not absorbed. */
const K = 10;
const ITERATIONS = 15;
/** ΔE2000 under which two clusters are one colour (a JND is about 1; 3 is "same at a glance"). */
const MERGE_DE = 3;

export function hexOf(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

// culori's tree-shakable build: only the colour spaces sRGB → Lab(D65) passes through.
useMode(modeRgb);
useMode(modeLrgb);
useMode(modeXyz65);
useMode(modeLab65);
const toLab65 = converter('lab65');
const ciede2000 = differenceCiede2000();
const lab65 = ([l, a, b]: Lab): Lab65 => ({ mode: 'lab65', l, a, b });

export function labOfHex(hex: string): Lab {
  const rgb = parseHex(hex);
  if (!rgb) throw new RangeError(`not a hex colour: ${hex}`);
  const { l, a, b } = toLab65(rgb);
  return [l, a, b];
}

/** CIEDE2000 (kL = kC = kH = 1) between two CIE Lab colours, by culori. */
export function deltaE2000(a: Lab, b: Lab): number {
  return ciede2000(lab65(a), lab65(b));
}

interface Bin {
  n: number;
  r: number;
  g: number;
  b: number;
  lab: Lab;
}

const dist2 = (a: Lab, b: Lab) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;

/** Weighted k-means over histogram bins, seeded deterministically (heaviest bin, then farthest-weighted). */
function cluster(bins: Bin[], k: number): Bin[][] {
  const centres: Lab[] = [];
  const heaviest = bins.reduce((m, b) => (b.n > m.n ? b : m), bins[0]!);
  centres.push(heaviest.lab);
  while (centres.length < Math.min(k, bins.length)) {
    let best: Bin | undefined;
    let bestScore = 0;
    for (const b of bins) {
      const d = Math.min(...centres.map((c) => dist2(c, b.lab)));
      const score = d * Math.sqrt(b.n);
      if (score > bestScore) {
        bestScore = score;
        best = b;
      }
    }
    if (!best) break;
    centres.push(best.lab);
  }
  let groups: Bin[][] = [];
  for (let it = 0; it < ITERATIONS; it++) {
    groups = centres.map(() => []);
    for (const b of bins) {
      let at = 0;
      let d = Infinity;
      centres.forEach((c, i) => {
        const di = dist2(c, b.lab);
        if (di < d) {
          d = di;
          at = i;
        }
      });
      groups[at]!.push(b);
    }
    let moved = false;
    groups.forEach((g, i) => {
      const n = g.reduce((s, b) => s + b.n, 0);
      if (n === 0) return;
      const c: Lab = [0, 1, 2].map((j) => g.reduce((s, b) => s + b.lab[j]! * b.n, 0) / n) as Lab;
      if (dist2(c, centres[i]!) > 1e-6) moved = true;
      centres[i] = c;
    });
    if (!moved) break;
  }
  return groups.filter((g) => g.length > 0);
}

function summarise(group: Bin[], total: number): DominantColour {
  const n = group.reduce((s, b) => s + b.n, 0);
  const hex = hexOf(group.reduce((s, b) => s + b.r, 0) / n, group.reduce((s, b) => s + b.g, 0) / n, group.reduce((s, b) => s + b.b, 0) / n);
  return { hex, lab: labOfHex(hex), share: n / total };
}

/** Dominant colours of raw RGB pixels (3 bytes each), largest share first. */
export function dominantColours(rgb: Uint8Array | Buffer): DominantColour[] {
  const count = Math.floor(rgb.length / 3);
  if (count === 0) return [];
  const bins = new Map<number, Bin>();
  for (let i = 0; i < count * 3; i += 3) {
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    const bin = bins.get(key);
    if (bin) {
      bin.n++;
      bin.r += r;
      bin.g += g;
      bin.b += b;
    } else bins.set(key, { n: 1, r, g, b, lab: [0, 0, 0] });
  }
  const list = [...bins.values()];
  for (const b of list) b.lab = labOfHex(hexOf(b.r / b.n, b.g / b.n, b.b / b.n));
  let groups = cluster(list, K);
  // Merge clusters that are one colour to the eye, the smaller into the larger.
  let merged = true;
  while (merged) {
    merged = false;
    const summaries = groups.map((g) => summarise(g, count));
    outer: for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        if (deltaE2000(summaries[i]!.lab, summaries[j]!.lab) < MERGE_DE) {
          groups[i] = [...groups[i]!, ...groups[j]!];
          groups = groups.filter((_, x) => x !== j);
          merged = true;
          break outer;
        }
      }
    }
  }
  return groups.map((g) => summarise(g, count)).sort((a, b) => b.share - a.share);
}
