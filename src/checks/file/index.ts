import { fileFormat } from './format.js';
import { fileName } from './name.js';
import { fileReadable } from './readable.js';
import { fileSize } from './size.js';

export const fileChecks = [fileReadable, fileFormat, fileSize, fileName];
