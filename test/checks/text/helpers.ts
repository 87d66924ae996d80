/**
 * Test fixtures and a small engine harness for the text and AI families: text images drawn
 * by sharp from SVG (DejaVu Sans, installed by .ci/run) and `runQc` with the real catalogue.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { builtinKindHandlers } from '../../../src/analysis/index.js';
import { builtinChecks } from '../../../src/checks/index.js';
import { CheckCatalogue, KindRegistry } from '../../../src/qc/catalogue.js';
import { runQc } from '../../../src/qc/engine.js';
import type { FamilySettings, KindHandler, QcClient, QcEnvironment, ResolvedCheck } from '../../../src/qc/types.js';
import type { QcReport } from '../../../src/report/schema.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', '.fixtures', 'text');

export interface TextLine {
  text: string;
  size?: number;
  x?: number;
  y: number;
  color?: string;
  weight?: 'normal' | 'bold';
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A PNG (or JPEG) of text lines on a plain background, written under test/.fixtures/text. */
export async function textImage(name: string, lines: TextLine[], opts: { width?: number; height?: number; background?: string } = {}): Promise<string> {
  const width = opts.width ?? 1920;
  const height = opts.height ?? 1080;
  const body = lines
    .map((l) => `<text x="${l.x ?? 80}" y="${l.y}" font-family="DejaVu Sans" font-size="${l.size ?? 56}" font-weight="${l.weight ?? 'normal'}" fill="${l.color ?? '#1b1b1b'}">${escapeXml(l.text)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${opts.background ?? '#f6f1e7'}"/>${body}</svg>`;
  await mkdir(FIXTURES, { recursive: true });
  const file = join(FIXTURES, name);
  const img = sharp(Buffer.from(svg));
  await writeFile(file, name.endsWith('.jpg') ? await img.jpeg({ quality: 90 }).toBuffer() : await img.png().toBuffer());
  return file;
}

export function testEnv(extensions: FamilySettings = {}): QcEnvironment {
  return { maxPixels: 100_000_000, checkTimeoutMs: 60_000, ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', tmpDir: tmpdir(), extensions };
}

/** Runs the real engine on one file with the given checks (params as a profile would give them, parsed by each check). */
export async function runChecks(path: string, checks: Array<{ id: string; params?: unknown; severity?: ResolvedCheck['severity'] }>, opts: { client?: QcClient; extensions?: FamilySettings; kinds?: KindHandler[] } = {}): Promise<QcReport> {
  const catalogue = new CheckCatalogue(builtinChecks);
  const resolved: ResolvedCheck[] = checks.map((c) => {
    const def = catalogue.get(c.id);
    if (!def) throw new Error(`unknown check ${c.id}`);
    return { id: c.id, severity: c.severity ?? 'error', params: def.params.parse(c.params ?? {}) };
  });
  return runQc(
    { path, profile: { id: 'test', name: 'Test', applies_to: ['image', 'pdf', 'video', 'audio'], checks: resolved, source: 'test' }, ...(opts.client ? { client: opts.client } : {}) },
    { catalogue, kinds: new KindRegistry(opts.kinds ?? builtinKindHandlers), env: testEnv(opts.extensions), toolVersion: 'test' },
  );
}

export function check(report: QcReport, id: string) {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no result for ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
}
