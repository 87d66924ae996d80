/**
 * The structured answer every AI check asks for. Every field is required (arrays may be
 * empty) because strict structured-output modes reject optional keys.
 */
import { z } from 'zod';

const fraction = z.number().min(0).max(1);

export const aiVerdictSchema = z.object({
  status: z.enum(['pass', 'warn', 'fail']).describe('pass: meets the requirement; warn: unsure or minor issue; fail: clearly breaks it'),
  confidence: fraction.describe('How sure you are of the status, 0..1'),
  explanation: z.string().describe('One or two sentences a marketing reviewer can act on'),
  regions: z
    .array(z.object({ label: z.string(), x: fraction, y: fraction, w: fraction, h: fraction }))
    .describe('Areas of the image the explanation refers to, as fractions of width/height from the top-left; empty if none'),
  timecodes: z
    .array(z.object({ label: z.string(), start_s: z.number().min(0), end_s: z.number().min(0) }))
    .describe('Moments of a video the explanation refers to, in seconds; empty for a still image'),
});

export type AiVerdict = z.infer<typeof aiVerdictSchema>;
