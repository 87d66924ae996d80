import { aiAlcoholCode } from './alcohol-code.js';
import { aiBrandGuidelines } from './brand-guidelines.js';
import { aiPrompt } from './prompt.js';

export const aiChecks = [aiPrompt, aiBrandGuidelines, aiAlcoholCode];
