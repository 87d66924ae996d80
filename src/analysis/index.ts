/** Kind handlers: how each kind of asset is probed and thumbnailed. One line per family. */
import type { KindHandler } from '../qc/types.js';
import { audioKind, videoKind } from './av/index.js';
import { imageKind } from './image.js';
import { pdfKind } from './pdf/index.js';

export const builtinKindHandlers: KindHandler[] = [imageKind, videoKind, audioKind, pdfKind];
