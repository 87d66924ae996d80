import { textAddressedInstructions } from './addressed-instructions.js';
import { textForbiddenPhrases } from './forbidden-phrases.js';
import { textRequiredPhrases } from './required-phrases.js';
import { textSpelling } from './spelling.js';

export const textChecks = [textSpelling, textRequiredPhrases, textForbiddenPhrases, textAddressedInstructions];
