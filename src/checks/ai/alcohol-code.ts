import { z } from 'zod';
import { aiJudge } from '../../analysis/ai/judge.js';
import { keyframeRequests } from '../../analysis/text/keyframes.js';
import { defineCheck } from '../define.js';
import { minConfidenceParam } from './prompt.js';
import { evidenceOf, measuredOf, skippedWithoutModel } from './outcome.js';

export const aiAlcoholCode = defineCheck({
  id: 'ai.alcohol_code',
  name: 'Alcohol marketing code (AI)',
  description:
    'Asks the vision model about responsible alcohol marketing: a responsible-drinking message is shown, nobody appears under `min_apparent_age`, no intoxication, ' +
    'no health, social or sexual-success claims. Anything the model flags, or a pass it is unsure of, is a warning for human review — never a silent pass.',
  appliesTo: ['image', 'pdf', 'video'],
  params: () => z.strictObject({
    min_apparent_age: z.number().int().min(18).max(40).default(25).meta({ description: 'People must look at least this old (25 under most industry codes)' }),
    message_required: z.boolean().default(true).meta({ description: 'A responsible-drinking message must be visible' }),
    min_confidence: minConfidenceParam.default(0.8),
  }),
  // A video is shown as a storyboard of keyframes: the av pass must sample pictures.
  requires: () => keyframeRequests,
  async run(ctx) {
    const skipped = skippedWithoutModel(ctx);
    if (skipped) return skipped;
    const { params, analyses, signal } = ctx;
    const rules = [
      params.message_required ? 'A responsible-drinking message (e.g. "Please drink responsibly" or a national equivalent) is clearly visible.' : undefined,
      `Nobody shown looks younger than ${params.min_apparent_age}.`,
      'Nobody appears drunk or intoxicated, and drinking is not linked to driving, sport performance or risky activity.',
      'No claim that alcohol brings health benefits, social or sexual success, or solves problems.',
    ].filter(Boolean);
    const judge = await analyses.get(aiJudge);
    const answer = await judge.ask({
      check: 'ai.alcohol_code',
      config: { min_apparent_age: params.min_apparent_age, message_required: params.message_required },
      instructions: `Responsible alcohol marketing rules:\n${rules.map((r, i) => `${i + 1}. ${r}`).join('\n')}\nFail if any rule is broken (say which and where), warn if you cannot tell, pass only if every rule is clearly met.`,
      signal,
    });
    const { status, confidence, explanation } = answer.verdict;
    const pct = Math.round(confidence * 100);
    const flagged = status !== 'pass';
    const unsure = !flagged && confidence < params.min_confidence;
    return {
      // A model cannot sign off on compliance: what it flags goes to a person, as a warning.
      status: flagged || unsure ? 'warn' : 'pass',
      message: flagged
        ? `flagged for human review: ${explanation} (model says ${status}, ${pct}% confident)`
        : unsure
          ? `flagged for human review: the model found no breach but is only ${pct}% sure — ${explanation}`
          : `${explanation} (${pct}% confident)`,
      measured: { ...measuredOf(answer), flagged_for_review: flagged || unsure },
      expected: { rules },
      evidence: evidenceOf(answer),
    };
  },
});
