/** From a model's answer to a check result: status, measured tokens and cost, evidence. */
import type { AiAnswer } from '../../analysis/ai/judge.js';
import { aiConfigOf } from '../../analysis/ai/settings.js';
import type { CheckContext, CheckOutcome, Evidence } from '../../qc/types.js';

export function measuredOf(answer: AiAnswer): Record<string, unknown> {
  return {
    model: answer.model,
    model_status: answer.verdict.status,
    confidence: answer.verdict.confidence,
    cached: answer.cached,
    ...answer.usage,
    ...(answer.cost_usd !== undefined ? { cost_usd: answer.cost_usd } : {}),
    model_duration_ms: answer.duration_ms,
    shown: answer.shown.map((s) => `${s.caption} (${s.width}×${s.height} sent)`),
  };
}

export function evidenceOf(answer: AiAnswer): Evidence[] {
  return [
    ...answer.verdict.regions.map((r) => ({ label: r.label, box: { x: r.x, y: r.y, w: r.w, h: r.h } })),
    ...answer.verdict.timecodes.map((t) => ({ label: t.label, start_s: t.start_s, end_s: Math.max(t.start_s, t.end_s) })),
  ];
}

/** `skipped` with the reason when no model is configured; undefined when AI can run. */
export function skippedWithoutModel(ctx: CheckContext<unknown>): CheckOutcome | undefined {
  const config = aiConfigOf(ctx.env);
  return config.configured ? undefined : { status: 'skipped', message: config.reason };
}

/** The model's own status, but an unsure pass is only a warning. */
export function statusOf(answer: AiAnswer, minConfidence: number): CheckOutcome['status'] {
  const { status, confidence } = answer.verdict;
  if (status === 'pass' && confidence < minConfidence) return 'warn';
  return status;
}

export function confidenceNote(answer: AiAnswer, minConfidence: number): string {
  const pct = Math.round(answer.verdict.confidence * 100);
  return answer.verdict.status === 'pass' && answer.verdict.confidence < minConfidence ? ` (the model is only ${pct}% sure: have a person look)` : ` (${pct}% confident)`;
}
