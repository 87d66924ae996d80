/**
 * Tokeniser for PDF content streams (ISO 32000-1 §7.2, §7.3), shared by the content walk
 * (./content.ts). Tolerant: bad bytes are skipped, malformed numbers read as readers do.
 */

/** A token of content-stream syntax. Strings keep no value: nothing here needs text. */
export type Operand =
  | { t: 'num'; v: number }
  | { t: 'name'; v: string }
  | { t: 'str' }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'array'; v: Operand[] }
  | { t: 'dict'; v: Map<string, Operand> };

type Token = { kind: 'operand'; value: Operand } | { kind: 'op'; op: string };

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

/** Tokeniser for content streams (ISO 32000-1 §7.2, §7.3). Tolerant: bad bytes are skipped. */
export class Lexer {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  next(): Token | undefined {
    for (;;) {
      this.skipSpaceAndComments();
      if (this.pos >= this.bytes.length) return undefined;
      const c = this.bytes[this.pos]!;
      if (c === 0x5d /* ] */ || c === 0x7d || c === 0x29 || (c === 0x3e && this.bytes[this.pos + 1] !== 0x3e) || c === 0x7b) {
        // Stray closers and braces (PostScript calculator syntax) carry nothing we read.
        this.pos++;
        continue;
      }
      if (c === 0x3e) {
        this.pos += 2;
        continue;
      }
      const value = this.operand();
      if (value) return { kind: 'operand', value };
      const word = this.regular();
      if (word.length === 0) {
        this.pos++;
        continue;
      }
      if (word === 'true' || word === 'false') return { kind: 'operand', value: { t: 'bool', v: word === 'true' } };
      if (word === 'null') return { kind: 'operand', value: { t: 'null' } };
      return { kind: 'op', op: word };
    }
  }

  /** After `BI`: the image's dictionary up to `ID`, then skip its data through `EI`. */
  inlineImage(): Map<string, Operand> | undefined {
    const dict = new Map<string, Operand>();
    for (;;) {
      this.skipSpaceAndComments();
      if (this.pos >= this.bytes.length) return undefined;
      const key = this.operand();
      if (!key) {
        const word = this.regular();
        if (word === 'ID') break;
        if (word.length === 0) this.pos++;
        continue;
      }
      if (key.t !== 'name') continue;
      this.skipSpaceAndComments();
      const value = this.operand() ?? wordOperand(this.regular());
      if (value) dict.set(key.v, value);
    }
    this.pos++; // the single white-space byte after ID
    // The data is binary and its length is not stated; EI between white space ends it.
    const b = this.bytes;
    for (let i = this.pos; i + 1 < b.length; i++) {
      if (b[i] === 0x45 && b[i + 1] === 0x49 && WHITESPACE.has(b[i - 1] ?? 0x20) && (i + 2 >= b.length || WHITESPACE.has(b[i + 2]!) || DELIMITERS.has(b[i + 2]!))) {
        this.pos = i + 2;
        return dict;
      }
    }
    this.pos = b.length;
    return dict;
  }

  private operand(): Operand | undefined {
    const b = this.bytes;
    const c = b[this.pos]!;
    if (c === 0x2f /* / */) {
      this.pos++;
      return { t: 'name', v: decodeName(this.regular()) };
    }
    if (c === 0x28 /* ( */) {
      this.skipLiteralString();
      return { t: 'str' };
    }
    if (c === 0x3c /* < */) {
      if (b[this.pos + 1] === 0x3c) {
        this.pos += 2;
        return { t: 'dict', v: this.dictBody() };
      }
      const end = b.indexOf(0x3e, this.pos);
      this.pos = end < 0 ? b.length : end + 1;
      return { t: 'str' };
    }
    if (c === 0x5b /* [ */) {
      this.pos++;
      const items: Operand[] = [];
      for (;;) {
        this.skipSpaceAndComments();
        if (this.pos >= b.length) break;
        if (b[this.pos] === 0x5d) {
          this.pos++;
          break;
        }
        const item = this.operand() ?? wordOperand(this.regular());
        if (item) items.push(item);
        else this.pos++;
      }
      return { t: 'array', v: items };
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const start = this.pos;
      const word = this.regular();
      const n = Number(word);
      if (Number.isFinite(n)) return { t: 'num', v: n };
      // Malformed numbers like "--5" or "0.0.1": readers take what parses.
      const lenient = parseFloat(word.replace(/^[+-]+(?=[+-])/, ''));
      if (Number.isFinite(lenient)) return { t: 'num', v: lenient };
      this.pos = start;
      return undefined;
    }
    return undefined;
  }

  private dictBody(): Map<string, Operand> {
    const b = this.bytes;
    const out = new Map<string, Operand>();
    for (;;) {
      this.skipSpaceAndComments();
      if (this.pos >= b.length) return out;
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return out;
      }
      const key = this.operand();
      if (!key || key.t !== 'name') {
        if (!key && this.regular().length === 0) this.pos++;
        continue;
      }
      this.skipSpaceAndComments();
      const value = this.operand() ?? wordOperand(this.regular());
      if (value) out.set(key.v, value);
    }
  }

  private regular(): string {
    const b = this.bytes;
    const start = this.pos;
    while (this.pos < b.length && !WHITESPACE.has(b[this.pos]!) && !DELIMITERS.has(b[this.pos]!)) this.pos++;
    return latin1(b, start, this.pos);
  }

  private skipLiteralString(): void {
    const b = this.bytes;
    let depth = 0;
    while (this.pos < b.length) {
      const c = b[this.pos++]!;
      if (c === 0x5c /* \ */) this.pos++;
      else if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) return;
    }
  }

  private skipSpaceAndComments(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (WHITESPACE.has(c)) this.pos++;
      else if (c === 0x25 /* % */) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }
}

function wordOperand(word: string): Operand | undefined {
  if (word === 'true' || word === 'false') return { t: 'bool', v: word === 'true' };
  if (word === 'null') return { t: 'null' };
  // Inline-image dictionaries may abbreviate names without the slash in broken writers.
  return word.length > 0 ? { t: 'name', v: word } : undefined;
}

function decodeName(raw: string): string {
  return raw.includes('#') ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : raw;
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}
