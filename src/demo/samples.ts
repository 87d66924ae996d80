/**
 * Small generated assets for the Box demo and the pipeline tests: one of each kind a client
 * drops into INCOMING (an image, a video, a radio spot, a print PDF) plus a Word file aiqc must skip.
 * Everything is made here, from code, so no binary is committed.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { writeImageSamples } from '../samples/images.js';

const run = promisify(execFile);

export interface DemoSample {
  /** The name the client uploads it under. */
  name: string;
  path: string;
  /** What it is, for the demo's table. */
  kind: 'image' | 'video' | 'audio' | 'pdf' | 'other';
}

/** A 1080×1080 sRGB JPEG that meets a social feed spec (from src/samples/images.ts). */
export async function writeImageSample(dir: string, name = 'summer_sale_1080x1080.jpg'): Promise<DemoSample> {
  const scratch = await mkdtemp(join(tmpdir(), 'aiqc-img-'));
  try {
    const [feed] = await writeImageSamples(scratch);
    const path = join(dir, name);
    await copyFile(feed!.file, path);
    return { name, path, kind: 'image' };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A 2-second 1280×720 H.264/AAC clip: colour bars with a tone (ffmpeg's lavfi sources). */
export async function writeVideoSample(dir: string, ffmpegPath = 'ffmpeg', name = 'spot_720p.mp4'): Promise<DemoSample> {
  const path = join(dir, name);
  await run(ffmpegPath, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=2',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart', path,
  ]);
  return { name, path, kind: 'video' };
}

/** A 3-second stereo 48 kHz WAV radio spot: a tone at a broadcast-like level (ffmpeg's lavfi). */
export async function writeAudioSample(dir: string, ffmpegPath = 'ffmpeg', name = 'radio_spot.wav'): Promise<DemoSample> {
  const path = join(dir, name);
  await run(ffmpegPath, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3,aformat=channel_layouts=stereo',
    '-c:a', 'pcm_s16le', path,
  ]);
  return { name, path, kind: 'audio' };
}

/**
 * A one-page A4 print PDF with 3 mm bleed (MediaBox = BleedBox, TrimBox inset), written by hand:
 * small, valid (exact xref offsets) and needing no tool.
 */
export async function writePdfSample(dir: string, name = 'flyer_a4.pdf'): Promise<DemoSample> {
  const mm = (v: number) => Number(((v * 72) / 25.4).toFixed(2));
  const bleed = mm(3);
  const w = mm(210) + 2 * bleed;
  const h = mm(297) + 2 * bleed;
  const content = [
    '0.05 0.42 0.8 rg', `0 0 ${w} ${h} re f`,
    '1 1 1 rg', 'BT /F1 36 Tf 60 700 Td (Summer Sale) Tj ET',
    'BT /F1 14 Tf 60 660 Td (aiqc demo flyer, A4 with 3 mm bleed) Tj ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /BleedBox [0 0 ${w} ${h}] ` +
      `/TrimBox [${bleed} ${bleed} ${w - bleed} ${h - bleed}] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const path = join(dir, name);
  await writeFile(path, Buffer.from(pdf, 'latin1'));
  return { name, path, kind: 'pdf' };
}

/** A minimal Word document: a ZIP (stored, no compression) with the parts Word needs. */
export async function writeDocxSample(dir: string, name = 'brief.docx'): Promise<DemoSample> {
  const files: Array<[string, string]> = [
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'],
    ['word/document.xml', '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Campaign brief: not an asset to check.</w:t></w:r></w:p></w:body></w:document>'],
  ];
  const path = join(dir, name);
  await writeFile(path, storedZip(files));
  return { name, path, kind: 'other' };
}

function storedZip(files: ReadonlyArray<[string, string]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [fileName, text] of files) {
    const nameBytes = Buffer.from(fileName, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
