/**
 * Lenient repairs that poppler and qpdf make when they open a sloppy file, so pdf-lib reads
 * what they read: a header without a minor version ("%PDF-1."), and a page tree whose
 * dictionaries lack /Type (qpdf: "/Type key should be /Pages but is not; overriding").
 */
import type { PDFContext, PDFObject, PDFRef } from 'pdf-lib';
import { PDFArray, PDFCatalog, PDFDict, PDFName, PDFPageLeaf, PDFPageTree, PDFRef as Ref } from 'pdf-lib';

/** `bytes` with a first line pdf-lib can parse when the header's version is malformed. */
export function withParsableHeader(bytes: Uint8Array): Uint8Array | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const match = /%PDF-[^\r\n]*/.exec(head);
  if (!match || /^%PDF-\d\.\d/.test(match[0])) return undefined;
  // pdf-lib finds objects by scanning, not by offset, so the header may change length.
  const rest = bytes.subarray(match.index + match[0].length);
  const fixed = new Uint8Array(9 + rest.length);
  fixed.set(Buffer.from('%PDF-1.7\n', 'latin1'));
  fixed.set(rest, 9);
  return fixed;
}

/** Gives the catalog and page tree their pdf-lib types when the file left out /Type. */
export function retypePageTree(ctx: PDFContext): void {
  const rootRef = ctx.trailerInfo.Root;
  const root = ctx.lookup(rootRef);
  if (!(rootRef instanceof Ref) || !(root instanceof PDFDict)) return;
  if (!(root instanceof PDFCatalog)) ctx.assign(rootRef, PDFCatalog.fromMapWithContext(new Map(root.entries()), ctx));
  const seen = new Set<PDFRef>();
  const visit = (ref: PDFObject | undefined, depth: number) => {
    if (!(ref instanceof Ref) || seen.has(ref) || depth > 64) return;
    seen.add(ref);
    const node = ctx.lookup(ref);
    if (!(node instanceof PDFDict)) return;
    const kids = ctx.lookup(node.get(PDFName.of('Kids')));
    if (kids instanceof PDFArray) {
      if (!(node instanceof PDFPageTree)) ctx.assign(ref, PDFPageTree.fromMapWithContext(new Map(node.entries()), ctx));
      for (const kid of kids.asArray()) visit(kid, depth + 1);
    } else if (!(node instanceof PDFPageLeaf)) ctx.assign(ref, PDFPageLeaf.fromMapWithContext(new Map(node.entries()), ctx));
  };
  visit((ctx.lookup(rootRef) as PDFDict).get(PDFName.of('Pages')), 0);
}
