import { z } from 'zod';
import { defineCheck } from '../define.js';

/**
 * Always first. The engine runs it itself, as the probe of the asset's kind: if the probe
 * fails the verdict is `error` and nothing else is judged. This definition gives it a name,
 * a place in the catalogue and (no) params for profile validation.
 */
export const fileReadable = defineCheck({
  id: 'file.readable',
  name: 'File is readable',
  description: 'The file is an intact image, PDF, video or audio file (judged from its content, not its name).',
  appliesTo: ['image', 'pdf', 'video', 'audio', 'unknown'],
  params: () => z.strictObject({}),
  async run() {
    return { status: 'pass', message: 'read by the engine' };
  },
});
