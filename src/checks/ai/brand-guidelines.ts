import { z } from 'zod';
import { aiJudge } from '../../analysis/ai/judge.js';
import { keyframeRequests } from '../../analysis/text/keyframes.js';
import { defineCheck } from '../define.js';
import { minConfidenceParam } from './prompt.js';
import { confidenceNote, evidenceOf, measuredOf, skippedWithoutModel, statusOf } from './outcome.js';

export const aiBrandGuidelines = defineCheck({
  id: 'ai.brand_guidelines',
  name: 'Brand guidelines (AI)',
  description: 'Asks the vision model whether the asset follows the client’s brand guidelines (`guidelines` in clients.yaml); `extra` adds profile-specific rules.',
  appliesTo: ['image', 'pdf', 'video'],
  params: () => z.strictObject({
    extra: z.string().trim().min(1).optional().meta({ description: 'Rules added to the client’s guidelines for this profile' }),
    min_confidence: minConfidenceParam,
  }),
  // A video is shown as a storyboard of keyframes: the av pass must sample pictures.
  requires: () => keyframeRequests,
  async run(ctx) {
    const skipped = skippedWithoutModel(ctx);
    if (skipped) return skipped;
    const { params, analyses, signal, client } = ctx;
    const guidelines = [client?.guidelines?.trim(), params.extra].filter((g): g is string => !!g).join('\n\n');
    if (!guidelines) {
      return {
        status: 'skipped',
        message: client
          ? `client ${client.id} has no brand guidelines: add \`guidelines\` to clients.${client.id} in clients.yaml`
          : 'no client was named, so there are no brand guidelines to check against (name the client, e.g. --client, or give `extra` in the profile)',
      };
    }
    const judge = await analyses.get(aiJudge);
    const answer = await judge.ask({
      check: 'ai.brand_guidelines',
      config: { guidelines, client: client?.id },
      instructions:
        `Brand guidelines${client ? ` of ${client.name}` : ''}:\n"""\n${guidelines}\n"""\n` +
        'Does the asset follow these guidelines? Fail for a clear breach (name the rule), warn for something a brand manager should look at, pass otherwise.',
      signal,
    });
    return {
      status: statusOf(answer, params.min_confidence),
      message: `${answer.verdict.explanation}${confidenceNote(answer, params.min_confidence)}`,
      measured: { ...measuredOf(answer), ...(client ? { client: client.id } : {}) },
      expected: { guidelines_from: [client?.guidelines ? `client ${client.id}` : undefined, params.extra ? 'profile' : undefined].filter(Boolean) },
      evidence: evidenceOf(answer),
    };
  },
});
