import { z } from 'zod';
import { aiJudge } from '../../analysis/ai/judge.js';
import { keyframeRequests } from '../../analysis/text/keyframes.js';
import { defineCheck } from '../define.js';
import { confidenceNote, evidenceOf, measuredOf, skippedWithoutModel, statusOf } from './outcome.js';

export const minConfidenceParam = z.number().min(0).max(1).default(0.7).meta({ description: 'A pass the model is less sure of than this becomes a warning' });

export const aiPrompt = defineCheck({
  id: 'ai.prompt',
  name: 'AI review',
  description: 'Asks the configured vision model the profile’s own `prompt` about the asset and reports its structured verdict (status, confidence, explanation, regions or timecodes).',
  appliesTo: ['image', 'pdf', 'video'],
  params: () => z.strictObject({
    prompt: z.string().trim().min(10).meta({ description: 'A yes/no-style question or requirement, e.g. "The product pack is fully visible and not cropped."' }),
    min_confidence: minConfidenceParam,
  }),
  // A video is shown as a storyboard of keyframes: the av pass must sample pictures.
  requires: () => keyframeRequests,
  async run(ctx) {
    const skipped = skippedWithoutModel(ctx);
    if (skipped) return skipped;
    const { params, analyses, signal } = ctx;
    const judge = await analyses.get(aiJudge);
    const answer = await judge.ask({
      check: 'ai.prompt',
      config: { prompt: params.prompt },
      instructions: `Requirement to check: ${params.prompt}\nPass if the asset meets it, fail if it clearly does not, warn if it is borderline or you cannot tell.`,
      signal,
    });
    return {
      status: statusOf(answer, params.min_confidence),
      message: `${answer.verdict.explanation}${confidenceNote(answer, params.min_confidence)}`,
      measured: measuredOf(answer),
      expected: { prompt: params.prompt, min_confidence: params.min_confidence },
      evidence: evidenceOf(answer),
    };
  },
});
