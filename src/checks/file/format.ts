import { extname } from 'node:path';
import { z } from 'zod';
import { defineCheck, list } from '../define.js';

/** Names people write in profiles → the format names the engine reports. */
// file-type names Ogg audio "oga"; profiles (and people) say "ogg".
const ALIASES: Record<string, string> = { jpg: 'jpeg', tif: 'tiff', mpeg4: 'mp4', quicktime: 'mov', aif: 'aiff', oga: 'ogg' };
const normalise = (f: string) => ALIASES[f.toLowerCase()] ?? f.toLowerCase();

const EXTENSIONS_OF: Record<string, string[]> = {
  jpeg: ['jpg', 'jpeg'],
  tiff: ['tif', 'tiff'],
  heic: ['heic', 'heif'],
  mov: ['mov', 'qt'],
  mp4: ['mp4', 'm4v'],
  aiff: ['aif', 'aiff'],
  ogg: ['ogg', 'oga'],
};

export const fileFormat = defineCheck({
  id: 'file.format',
  name: 'File format',
  description: 'The format, read from the content, is one of the allowed ones; a name whose extension disagrees is called out.',
  appliesTo: ['image', 'pdf', 'video', 'audio'],
  params: () => z.strictObject({
    allowed: z.array(z.string().min(1)).min(1).transform((a) => a.map(normalise)).meta({ description: 'e.g. ["jpeg", "png"]' }),
  }),
  async run({ asset, params }) {
    const format = normalise(asset.sniff.format);
    const ext = extname(asset.name).slice(1).toLowerCase();
    const extMatches = ext !== '' && (EXTENSIONS_OF[format] ?? [format]).includes(ext);
    const measured = { format, extension: ext || null };
    const expected = { allowed: params.allowed };
    if (!params.allowed.includes(format)) {
      return { status: 'fail', message: `${format.toUpperCase()} is not allowed here (allowed: ${list(params.allowed)}): export as ${params.allowed[0]!.toUpperCase()}`, measured, expected };
    }
    if (!extMatches) {
      return {
        status: 'warn',
        message: `the content is ${format.toUpperCase()} but the name ends in "${ext ? `.${ext}` : '(no extension)'}": rename it to .${(EXTENSIONS_OF[format] ?? [format])[0]} so other tools open it correctly`,
        measured,
        expected,
      };
    }
    return { status: 'pass', message: `${format.toUpperCase()} is allowed`, measured, expected };
  },
});
