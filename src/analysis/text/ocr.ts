/**
 * OCR with tesseract.js (WASM) and language data from the npm registry
 * (`@tesseract.js-data/<code>`), read from node_modules: no system binary, no download at
 * run time, and the same engine and model on every machine. Measured against the system
 * `tesseract` CLI in bench/ocr-engines.mjs (see ARCHITECTURE.md, "Text and AI checks").
 */
import { mkdtemp, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadSharp } from '../sharp.js';
import type { Worker } from 'tesseract.js';
import { ToolMissingError } from '../../qc/errors.js';
import type { TextWord } from './types.js';

const require = createRequire(import.meta.url);

/** The `best_int` LSTM models: tesseract's most accurate, integer-quantised for speed. */
const MODEL_FOLDER = '4.0.0_best_int';

/** Pixels on the long side OCR sees: small art is enlarged (tesseract wants ~20 px capitals), huge art reduced (time). */
const MIN_LONG_SIDE = 1600;
const MAX_LONG_SIDE = 3000;

/**
 * Tesseract binarises the page before reading it. Its default, one Otsu threshold for the
 * whole page, fails on art with more than two tones: with a navy band, a cream page and a red
 * bar, the threshold falls between navy and red, so the red bar turns white and its white
 * "SHOP NOW" vanishes. Sauvola (Tesseract 5, `thresholding_method` 2) thresholds each
 * neighbourhood against its own mean and spread, so copy is judged against the background
 * around it. Same words and boxes as Otsu on the plain pages measured, at about the same time
 * (ARCHITECTURE.md, "Text and AI checks"; bench/ocr-threshold.ts). Tiled Otsu (1) also reads
 * the bar but misread "night" as "nigh" on white-on-black copy.
 */
const WORKER_PARAMETERS = { thresholding_method: '2' } as const;

export interface OcrImage {
  words: TextWord[];
  /** Size of the image that was read (after orientation), for messages. */
  width: number;
  height: number;
}

/** Where a language's traineddata lives, or why it is not there and how to add it. */
export function ocrDataDir(code: string): string {
  let pkg: string;
  try {
    pkg = require.resolve(`@tesseract.js-data/${code}/package.json`);
  } catch (err) {
    throw new ToolMissingError(`OCR language data "${code}"`, `npm install @tesseract.js-data/${code} (in the aiqc installation)`, { cause: err });
  }
  return join(dirname(pkg), MODEL_FOLDER);
}

/**
 * One tesseract.js worker for the pages of one asset; terminated when the work ends or is
 * aborted. `scratchDir` is a private folder of the run (links to the language data go there).
 */
export async function withOcrWorker<T>(
  codes: readonly string[],
  scratchDir: string,
  signal: AbortSignal,
  work: (read: (image: Buffer | string) => Promise<OcrImage>) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  // Each language's data sits in its own npm package, but tesseract.js reads every language
  // from one langPath: gather links to them in one private folder.
  const langDir = await mkdtemp(join(scratchDir, 'ocr-lang-'));
  for (const code of codes) await symlink(join(ocrDataDir(code), `${code}.traineddata.gz`), join(langDir, `${code}.traineddata.gz`));
  // tesseract.js loads with the first OCR, not with the CLI (bench/startup.ts).
  const { createWorker } = await import('tesseract.js');
  const worker = await createWorker([...codes], 1, { langPath: langDir, gzip: true, cacheMethod: 'none', logger: () => undefined, errorHandler: () => undefined });
  const stop = () => void worker.terminate().catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  try {
    await worker.setParameters(WORKER_PARAMETERS);
    return await work((image) => recognize(worker, image, signal));
  } finally {
    signal.removeEventListener('abort', stop);
    await worker.terminate().catch(() => undefined);
  }
}

async function recognize(worker: Worker, image: Buffer | string, signal: AbortSignal): Promise<OcrImage> {
  const prepared = await prepareForOcr(image);
  signal.throwIfAborted();
  // Terminating the worker (on abort) does not settle a recognize in flight: race the signal.
  const result = await Promise.race([worker.recognize(prepared.png, {}, { blocks: true, text: false }), rejectOnAbort(signal)]);
  const words: TextWord[] = [];
  let line = 0;
  for (const block of result.data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const l of paragraph.lines) {
        for (const w of l.words) {
          const text = w.text.trim();
          if (!text) continue;
          const { x0, y0, x1, y1 } = w.bbox;
          words.push({
            text,
            confidence: Math.round(w.confidence),
            box: { x: x0 / prepared.width, y: y0 / prepared.height, w: (x1 - x0) / prepared.width, h: (y1 - y0) / prepared.height },
            line,
          });
        }
        line++;
      }
    }
  }
  return { words, width: prepared.sourceWidth, height: prepared.sourceHeight };
}

/**
 * Grey, contrast-stretched, flattened on white and scaled into the size range tesseract
 * reads best. Boxes are kept as fractions, so scaling does not move them on the original.
 */
export async function prepareForOcr(image: Buffer | string): Promise<{ png: Buffer; width: number; height: number; sourceWidth: number; sourceHeight: number }> {
  const sharp = await loadSharp();
  const oriented = sharp(image, { limitInputPixels: false }).autoOrient();
  const meta = await oriented.metadata();
  const sw = meta.autoOrient?.width ?? meta.width ?? 0;
  const sh = meta.autoOrient?.height ?? meta.height ?? 0;
  const long = Math.max(sw, sh);
  const target = long < MIN_LONG_SIDE ? MIN_LONG_SIDE : long > MAX_LONG_SIDE ? MAX_LONG_SIDE : long;
  const scale = long > 0 ? target / long : 1;
  const { data, info } = await sharp(image, { limitInputPixels: false })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .resize(Math.max(1, Math.round(sw * scale)), Math.max(1, Math.round(sh * scale)), { kernel: scale > 1 ? 'lanczos3' : 'mitchell' })
    .greyscale()
    // Stretch the full range only: the default 1st–99th percentile stretch turns the page
    // black when the copy covers under 1% of the pixels (a legal line on an end card).
    .normalise({ lower: 0, upper: 100 })
    .png({ compressionLevel: 1 })
    .toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height, sourceWidth: sw, sourceHeight: sh };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
