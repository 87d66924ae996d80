/**
 * The standard security handler (ISO 32000-1 §7.6.3, ISO 32000-2 §7.6.4) for PDFs that open
 * with an EMPTY password (user or owner) — "encrypted" files every viewer opens without asking, which
 * carry only permission bits. pdf-lib cannot decrypt, so its objects are decrypted here in
 * place: strings, streams and, after decryption, the object streams pdf-lib could not parse.
 *
 * Why hand-written: pdf.js decrypts but keeps its crypto internal to its own object model, and
 * pdf-lib (the object model here) has no decryption; the handler is a few hundred lines over
 * node:crypto (md5, aes-128/256-cbc, sha2) and a few lines of RC4. An npm library for this
 * was not surveyed in the time available.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import type { PDFContext, PDFObject } from 'pdf-lib';
import { ParseSpeeds, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFInvalidObject, PDFName, PDFNumber, PDFObjectParser, PDFObjectStreamParser, PDFRawStream, PDFRef, PDFString } from 'pdf-lib';
import { asDict, boolOf, nameOf, numberOf } from './objects.js';

/** Algorithm 2's padding string (ISO 32000-1 §7.6.3.3). */
const EMPTY = Buffer.alloc(0);
const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

type Method = 'rc4' | 'aes128' | 'aes256' | 'identity';

interface Handler {
  key: Buffer;
  strings: Method;
  streams: Method;
  encryptMetadata: boolean;
}

export type DecryptOutcome = 'decrypted' | 'needs-password' | 'unsupported';

/**
 * Decrypts every object of `ctx` with the empty user password. Returns what happened; on
 * anything but `decrypted` the context is left as it was.
 */
export async function decryptWithEmptyPassword(ctx: PDFContext): Promise<DecryptOutcome> {
  const encryptRef = ctx.trailerInfo.Encrypt;
  const encrypt = asDict(ctx, encryptRef);
  if (!encrypt) return 'unsupported';
  const handler = openHandler(ctx, encrypt);
  if (handler === 'unsupported' || handler === 'needs-password') return handler;

  const objectStreams: PDFRawStream[] = [];
  for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
    if (obj === encrypt || ref === encryptRef) continue;
    let value: PDFObject = obj;
    // An object stream pdf-lib could not parse (its content was ciphertext) is kept raw.
    if (obj instanceof PDFInvalidObject) {
      const reparsed = reparse(ctx, obj);
      if (!reparsed) continue;
      value = reparsed;
    }
    const decrypted = decryptObject(ctx, value, ref, handler);
    if (decrypted !== obj) ctx.assign(ref, decrypted);
    if (decrypted instanceof PDFRawStream && nameOf(ctx, decrypted.dict.get(PDFName.of('Type'))) === 'ObjStm') objectStreams.push(decrypted);
  }
  // Objects inside an object stream are not encrypted on their own (§7.6.2): parse them now.
  for (const stream of objectStreams) {
    try {
      await PDFObjectStreamParser.forStream(stream).parseIntoContext();
    } catch {
      // A damaged object stream loses its objects, as it would unencrypted.
    }
  }
  return 'decrypted';
}

function reparse(ctx: PDFContext, invalid: PDFInvalidObject): PDFObject | undefined {
  try {
    const bytes = (invalid as unknown as { data: Uint8Array }).data;
    return PDFObjectParser.forBytes(bytes, ctx).parseObject();
  } catch {
    return undefined;
  }
}

function decryptObject(ctx: PDFContext, obj: PDFObject, ref: PDFRef, h: Handler): PDFObject {
  if (obj instanceof PDFString || obj instanceof PDFHexString) {
    return PDFHexString.of(Buffer.from(decryptBytes(obj.asBytes(), ref, h, h.strings)).toString('hex'));
  }
  if (obj instanceof PDFArray) {
    for (let i = 0; i < obj.size(); i++) {
      const item = obj.get(i);
      const out = decryptObject(ctx, item, ref, h);
      if (out !== item) obj.set(i, out);
    }
    return obj;
  }
  if (obj instanceof PDFDict) {
    for (const [key, item] of obj.entries()) {
      const out = decryptObject(ctx, item, ref, h);
      if (out !== item) obj.set(key, out);
    }
    return obj;
  }
  if (obj instanceof PDFRawStream) {
    decryptObject(ctx, obj.dict, ref, h);
    const type = nameOf(ctx, obj.dict.get(PDFName.of('Type')));
    // Cross-reference streams are never encrypted; metadata may be left in clear (§7.6.1).
    if (type === 'XRef' || (type === 'Metadata' && !h.encryptMetadata)) return obj;
    const plain = decryptBytes(obj.contents, ref, h, h.streams);
    obj.dict.set(PDFName.of('Length'), PDFNumber.of(plain.length));
    return PDFRawStream.of(obj.dict, plain);
  }
  return obj;
}

function decryptBytes(data: Uint8Array, ref: PDFRef, h: Handler, method: Method): Uint8Array {
  if (method === 'identity') return data;
  if (method === 'aes256') return aesCbc(h.key, data);
  // Algorithm 1: the object's key from the file key, its number and generation.
  const salt = method === 'aes128' ? Buffer.from('sAlT', 'latin1') : Buffer.alloc(0);
  const n = ref.objectNumber;
  const g = ref.generationNumber;
  const ext = Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, g & 0xff, (g >> 8) & 0xff]);
  const objKey = md5(h.key, ext, salt).subarray(0, Math.min(h.key.length + 5, 16));
  return method === 'rc4' ? rc4(objKey, data) : aesCbc(objKey, data);
}

/** AES-CBC with the IV in the first 16 bytes; tolerant of bad padding, as readers are. */
function aesCbc(key: Buffer, data: Uint8Array): Uint8Array {
  if (data.length < 32 || data.length % 16 !== 0) return data.length <= 16 ? new Uint8Array(0) : data;
  const cipher = key.length === 32 ? 'aes-256-cbc' : 'aes-128-cbc';
  const d = createDecipheriv(cipher, key, data.subarray(0, 16));
  d.setAutoPadding(false);
  const out = Buffer.concat([d.update(data.subarray(16)), d.final()]);
  const pad = out[out.length - 1]!;
  return pad >= 1 && pad <= 16 ? out.subarray(0, out.length - pad) : out;
}

function openHandler(ctx: PDFContext, encrypt: PDFDict): Handler | 'needs-password' | 'unsupported' {
  if (nameOf(ctx, encrypt.get(PDFName.of('Filter'))) !== 'Standard') return 'unsupported';
  const v = numberOf(ctx, encrypt.get(PDFName.of('V'))) ?? 0;
  const r = numberOf(ctx, encrypt.get(PDFName.of('R'))) ?? 0;
  const o = bytesOf(ctx, encrypt.get(PDFName.of('O')));
  const u = bytesOf(ctx, encrypt.get(PDFName.of('U')));
  const p = numberOf(ctx, encrypt.get(PDFName.of('P'))) ?? 0;
  const encryptMetadata = boolOf(ctx, encrypt.get(PDFName.of('EncryptMetadata'))) ?? true;
  if (!o || !u) return 'unsupported';
  let strings: Method = 'rc4';
  let streams: Method = 'rc4';
  if (v === 4 || v === 5) {
    const cf = asDict(ctx, encrypt.get(PDFName.of('CF')));
    const method = (name: string | undefined): Method | undefined => {
      if (!name || name === 'Identity') return 'identity';
      const cfm = nameOf(ctx, asDict(ctx, cf?.get(PDFName.of(name)))?.get(PDFName.of('CFM')));
      return cfm === 'V2' ? 'rc4' : cfm === 'AESV2' ? 'aes128' : cfm === 'AESV3' ? 'aes256' : cfm === 'None' ? 'identity' : undefined;
    };
    const s = method(nameOf(ctx, encrypt.get(PDFName.of('StrF'))));
    const t = method(nameOf(ctx, encrypt.get(PDFName.of('StmF'))));
    if (!s || !t) return 'unsupported';
    strings = s;
    streams = t;
  } else if (v !== 1 && v !== 2) return 'unsupported';

  if (r === 5 || r === 6) {
    const ue = bytesOf(ctx, encrypt.get(PDFName.of('UE')));
    const oe = bytesOf(ctx, encrypt.get(PDFName.of('OE')));
    if (!ue || !oe || u.length < 48 || o.length < 48) return 'unsupported';
    const hash = (salt: Uint8Array, udata: Uint8Array) => (r === 5 ? sha('sha256', salt, udata) : hash2B(salt, udata)).subarray(0, 32);
    const fileKey = (intermediate: Buffer, wrapped: Buffer) => {
      const d = createDecipheriv('aes-256-cbc', intermediate, Buffer.alloc(16));
      d.setAutoPadding(false);
      return Buffer.concat([d.update(wrapped.subarray(0, 32)), d.final()]);
    };
    const u48 = u.subarray(0, 48);
    // Algorithms 2.A/11/12: the empty password as the user password, then as the owner's.
    if (hash(u.subarray(32, 40), EMPTY).equals(u.subarray(0, 32))) return { key: fileKey(hash(u.subarray(40, 48), EMPTY), ue), strings, streams, encryptMetadata };
    if (hash(o.subarray(32, 40), u48).equals(o.subarray(0, 32))) return { key: fileKey(hash(o.subarray(40, 48), u48), oe), strings, streams, encryptMetadata };
    return 'needs-password';
  }
  if (r < 2 || r > 4) return 'unsupported';
  const id = bytesOf(ctx, ctx.lookup(ctx.trailerInfo.ID) instanceof PDFArray ? (ctx.lookup(ctx.trailerInfo.ID) as PDFArray).get(0) : undefined) ?? EMPTY;
  const length = r === 2 ? 5 : (numberOf(ctx, encrypt.get(PDFName.of('Length'))) ?? 40) / 8;
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p | 0);
  const noMetadata = r >= 4 && !encryptMetadata ? Buffer.from([0xff, 0xff, 0xff, 0xff]) : EMPTY;
  // Algorithm 2: the file key from a (padded) user password.
  const keyFor = (padded: Buffer) => {
    let key = md5(padded, o.subarray(0, 32), pBytes, id, noMetadata);
    if (r >= 3) for (let i = 0; i < 50; i++) key = md5(key.subarray(0, length));
    return key.subarray(0, length);
  };
  // Algorithms 4 and 5: the key is right when it reproduces /U.
  const reproducesU = (key: Buffer) => {
    let check: Buffer;
    if (r === 2) check = rc4(key, PAD);
    else {
      check = rc4(key, md5(PAD, id));
      for (let i = 1; i <= 19; i++) check = rc4(xorKey(key, i), check);
    }
    const n = r === 2 ? 32 : 16;
    return check.subarray(0, n).equals(u.subarray(0, n));
  };
  const asUser = keyFor(PAD);
  if (reproducesU(asUser)) return { key: asUser, strings, streams, encryptMetadata };
  // Algorithm 7: the empty password as the owner's recovers the user password from /O.
  let ownerKey = md5(PAD);
  if (r >= 3) for (let i = 0; i < 50; i++) ownerKey = md5(ownerKey);
  ownerKey = ownerKey.subarray(0, length);
  let userPassword: Buffer = Buffer.from(o.subarray(0, 32));
  if (r === 2) userPassword = rc4(ownerKey, userPassword);
  else for (let i = 19; i >= 0; i--) userPassword = rc4(xorKey(ownerKey, i), userPassword);
  const asOwner = keyFor(userPassword);
  if (reproducesU(asOwner)) return { key: asOwner, strings, streams, encryptMetadata };
  return 'needs-password';
}

function xorKey(key: Buffer, i: number): Buffer {
  return Buffer.from(key.map((b) => b ^ i));
}

/** ISO 32000-2 Algorithm 2.B (R6) for the empty password: SHA-256/384/512 rounds keyed by AES-128. */
export function hash2B(salt: Uint8Array, udata: Uint8Array): Buffer {
  // The password is empty, so each round hashes the previous result and the user data.
  let k = sha('sha256', salt, udata);
  for (let i = 0; ; i++) {
    const k1 = Buffer.concat(Array.from({ length: 64 }, () => Buffer.concat([k, udata])));
    const c = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32));
    c.setAutoPadding(false);
    const e = Buffer.concat([c.update(k1), c.final()]);
    let sum = 0;
    for (let j = 0; j < 16; j++) sum += e[j]!;
    k = sha(['sha256', 'sha384', 'sha512'][sum % 3]!, e);
    // The spec counts rounds from 1: after round i + 1, stop when at least 64 are done and E's
    // last byte is at most (i + 1) − 32. Compared with i − 32 instead, one file in ~40 (random
    // salts) ran an extra round, got the wrong key and read as "damaged".
    if (i >= 63 && e[e.length - 1]! <= i + 1 - 32) return k.subarray(0, 32);
  }
}

function bytesOf(ctx: PDFContext, value: PDFObject | undefined): Buffer | undefined {
  const obj = value === undefined ? undefined : ctx.lookup(value);
  return obj instanceof PDFString || obj instanceof PDFHexString ? Buffer.from(obj.asBytes()) : undefined;
}

function md5(...parts: Uint8Array[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

function sha(algorithm: string, ...parts: Uint8Array[]): Buffer {
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * RC4 (its own inverse), in JavaScript: OpenSSL 3, and so node:crypto, no longer ships it
 * outside the legacy provider.
 */
function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[k] = data[k]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

/**
 * A decrypted, unencrypted copy of `bytes` when the empty password opens them, else
 * undefined. For pdf.js, which refuses some files poppler and qpdf open with an empty
 * password (an empty OWNER password under AES-256, for one): it then reads this copy.
 */
export async function decryptedCopy(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false, parseSpeed: ParseSpeeds.Fastest });
    const ctx = doc.context;
    const encryptRef = ctx.trailerInfo.Encrypt;
    if ((await decryptWithEmptyPassword(ctx)) !== 'decrypted') return undefined;
    if (encryptRef instanceof PDFRef) ctx.delete(encryptRef);
    ctx.trailerInfo.Encrypt = undefined;
    return await doc.save({ useObjectStreams: false, updateFieldAppearances: false });
  } catch {
    return undefined;
  }
}
