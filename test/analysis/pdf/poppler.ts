/** poppler-utils' view of a PDF, parsed: the independent reference our findings are checked against. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PopplerFont {
  name: string;
  type: string;
  emb: boolean;
  sub: boolean;
  object: string;
}

export async function pdffonts(path: string): Promise<PopplerFont[]> {
  const { stdout } = await run('pdffonts', [path]);
  return stdout
    .split('\n')
    .slice(2)
    .filter((l) => l.trim().length > 0)
    .map((line) => {
      const t = line.trim().split(/\s+/);
      const gen = t.pop()!;
      const num = t.pop()!;
      t.pop(); // uni
      const sub = t.pop() === 'yes';
      const emb = t.pop() === 'yes';
      return { name: t[0]!, type: t.slice(1, -1).join(' '), emb, sub, object: `${num} ${gen}` };
    });
}

export interface PopplerImage {
  page: number;
  type: string;
  width: number;
  height: number;
  color: string;
  bpc: number;
  object: string;
  x_ppi: number;
  y_ppi: number;
}

export async function pdfimagesList(path: string): Promise<PopplerImage[]> {
  const { stdout } = await run('pdfimages', ['-list', path]);
  return stdout
    .split('\n')
    .slice(2)
    .filter((l) => l.trim().length > 0)
    .map((line) => {
      const t = line.trim().split(/\s+/);
      const inline = t[10] === '[inline]';
      const ppiAt = inline ? 11 : 12;
      return {
        page: Number(t[0]),
        type: t[2]!,
        width: Number(t[3]),
        height: Number(t[4]),
        color: t[5]!,
        bpc: Number(t[7]),
        object: inline ? 'inline' : `${t[10]} ${t[11]}`,
        x_ppi: Number(t[ppiAt]),
        y_ppi: Number(t[ppiAt + 1]),
      };
    });
}

export type PopplerBoxes = Record<'MediaBox' | 'CropBox' | 'BleedBox' | 'TrimBox' | 'ArtBox', [number, number, number, number]>;

/** `pdfinfo -box` for every page: poppler fills absent Bleed/Trim/Art boxes with the CropBox. */
export async function pdfinfoBoxes(path: string, pages: number): Promise<PopplerBoxes[]> {
  const { stdout } = await run('pdfinfo', ['-box', '-f', '1', '-l', String(pages), path], { maxBuffer: 64 * 1024 * 1024 });
  const out: PopplerBoxes[] = [];
  for (const m of stdout.matchAll(/^Page\s+(\d+)\s+(MediaBox|CropBox|BleedBox|TrimBox|ArtBox):\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)/gm)) {
    const page = Number(m[1]) - 1;
    out[page] ??= {} as PopplerBoxes;
    out[page][m[2] as keyof PopplerBoxes] = [Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  }
  return out;
}

export async function pdfinfo(path: string): Promise<Record<string, string>> {
  const { stdout } = await run('pdfinfo', [path]);
  return Object.fromEntries(stdout.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}
