/**
 * Decoding content streams with a ceiling: a few KB of Flate can inflate to gigabytes, so a
 * page's content (and a form's) stops at MAX_DECODED_STREAM_BYTES.
 */
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import type { PDFContext, PDFObject, PDFPage } from 'pdf-lib';
import { decodePDFRawStream, PDFArray, PDFName, PDFRawStream, PDFStream } from 'pdf-lib';
import { asDict, nameOf, numberOf } from './objects.js';

/** Decoded content larger than this is not read: a few KB of Flate can inflate to gigabytes. */
export const MAX_DECODED_STREAM_BYTES = 64 * 1024 * 1024;

export type Decoded = { bytes: Uint8Array } | { problem: 'too-large' | 'undecodable' };

export function pageContent(ctx: PDFContext, page: PDFPage): Decoded | undefined {
  const contents = ctx.lookup(page.node.get(PDFName.of('Contents')));
  const streams: PDFObject[] = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const s of streams) {
    const stream = ctx.lookup(s);
    if (!(stream instanceof PDFStream)) continue;
    const decoded = streamBytes(ctx, stream);
    if ('problem' in decoded) return decoded;
    total += decoded.bytes.length + 1;
    if (total > MAX_DECODED_STREAM_BYTES) return { problem: 'too-large' };
    parts.push(decoded.bytes);
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return { bytes: parts[0]! };
  // Streams of one page are read as one, separated by white space (ISO 32000-1 §7.8.2).
  const joined = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
    joined[at++] = 0x0a;
  }
  return { bytes: joined };
}

export function streamBytes(ctx: PDFContext, stream: PDFStream): Decoded {
  try {
    if (!(stream instanceof PDFRawStream)) return { bytes: stream.getContents() };
    const filter = ctx.lookup(stream.dict.get(PDFName.of('Filter')));
    const filters = filter instanceof PDFArray ? filter.asArray().map((f) => nameOf(ctx, f)) : filter ? [nameOf(ctx, filter)] : [];
    if (filters.length === 0) return { bytes: stream.contents };
    const parms = asDict(ctx, stream.dict.get(PDFName.of('DecodeParms')));
    const predictor = numberOf(ctx, parms?.get(PDFName.of('Predictor'))) ?? 1;
    if (filters.length === 1 && (filters[0] === 'FlateDecode' || filters[0] === 'Fl') && predictor <= 1) {
      // zlib with a ceiling (a Flate bomb stops at the limit), and tolerant of a truncated
      // stream the way viewers are (SYNC_FLUSH returns what inflated so far).
      return { bytes: inflateSync(stream.contents, { maxOutputLength: MAX_DECODED_STREAM_BYTES, finishFlush: zlibConstants.Z_SYNC_FLUSH }) };
    }
    const bytes = decodePDFRawStream(stream).decode();
    return bytes.length > MAX_DECODED_STREAM_BYTES ? { problem: 'too-large' } : { bytes };
  } catch (err) {
    return { problem: (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'undecodable' };
  }
}

