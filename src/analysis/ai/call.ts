/**
 * One question to the model through the Vercel AI SDK, and the SDK's errors turned into
 * reasons a person can act on. Loaded by ./judge.ts when the first AI check asks, so that
 * runs without AI checks never load the SDK.
 */
import { APICallError, generateText, JSONParseError, NoObjectGeneratedError, NoOutputGeneratedError, Output, RetryError, TypeValidationError, type LanguageModel } from 'ai';
import { ZodError } from 'zod';
import { AiAnswerError, type AiUsage } from './answer.js';
import type { AiSettings } from './settings.js';
import { aiVerdictSchema, type AiVerdict } from './verdict.js';
import type { ModelImage } from './visual.js';

export interface ModelQuestion {
  settings: AiSettings;
  model: LanguageModel;
  system: string;
  instructions: string;
  pictures: ModelImage[];
  /** The asking check's signal and the run's: either aborts the call. */
  signal: AbortSignal;
  runSignal: AbortSignal;
}

export async function askModel({ settings, model, system, instructions, pictures, signal: checkSignal, runSignal }: ModelQuestion): Promise<{ verdict: AiVerdict; usage: AiUsage }> {
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const signal = AbortSignal.any([checkSignal, runSignal, timeout]);
  let result;
  try {
    result = await generateText({
      model,
      system,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: `${instructions}\n\nYou are shown ${pictures.map((p) => p.caption).join('; and ')}.` },
            ...pictures.map((p) => ({ type: 'file' as const, data: p.data, mediaType: p.mediaType })),
          ],
        },
      ],
      output: Output.object({ schema: aiVerdictSchema, name: 'qc_verdict', description: 'The verdict of one quality-control question' }),
      temperature: 0,
      maxRetries: settings.maxRetries,
      abortSignal: signal,
    });
  } catch (err) {
    throw explain(err, settings, timeout.aborted && !checkSignal.aborted);
  }
  let verdict: AiVerdict;
  try {
    verdict = result.output;
  } catch (err) {
    throw explain(err, settings, false);
  }
  const usage: AiUsage = {
    ...(result.usage.inputTokens !== undefined ? { input_tokens: result.usage.inputTokens } : {}),
    ...(result.usage.outputTokens !== undefined ? { output_tokens: result.usage.outputTokens } : {}),
    ...(result.usage.totalTokens !== undefined ? { total_tokens: result.usage.totalTokens } : {}),
  };
  return { verdict, usage };
}

/** Turn whatever the SDK threw into a reason a person can act on, with no key in it. */
function explain(err: unknown, settings: AiSettings, timedOut: boolean): Error {
  const redact = (text: string) => {
    const key = settings.apiKey();
    return (key ? text.split(key).join('***') : text).replace(/\s+/g, ' ').trim().slice(0, 300);
  };
  if (timedOut) {
    return new AiAnswerError('ai_timeout', `the model did not answer within ${Math.round(settings.timeoutMs / 1000)} s (AIQC_AI_TIMEOUT_S); try again or raise the limit`, { cause: err });
  }
  const last = RetryError.isInstance(err) ? err.lastError : err;
  if (NoObjectGeneratedError.isInstance(last) || NoOutputGeneratedError.isInstance(last)) {
    const said = NoObjectGeneratedError.isInstance(last) && last.text ? `; it said: ${redact(last.text).slice(0, 160)}` : '';
    const cause = last.cause;
    const why = JSONParseError.isInstance(cause)
      ? 'it is not JSON'
      : TypeValidationError.isInstance(cause)
        ? `it does not match the verdict schema: ${redact(issuesOf(cause.cause) ?? cause.message).slice(0, 200)}`
        : redact(cause instanceof Error ? cause.message : last.message).slice(0, 200);
    return new AiAnswerError('ai_bad_answer', `the model's answer is not a valid verdict (${why})${said}`, { cause: err });
  }
  if (APICallError.isInstance(last)) {
    const attempts = RetryError.isInstance(err) ? ` after ${err.errors.length} attempts` : '';
    return new AiAnswerError('ai_call_failed', `the model API failed${attempts}: ${last.statusCode ? `HTTP ${last.statusCode} ` : ''}${redact(last.message)}`, { cause: err });
  }
  return new AiAnswerError('ai_call_failed', `the model call failed: ${redact(err instanceof Error ? err.message : String(err))}`, { cause: err });
}

function issuesOf(err: unknown): string | undefined {
  if (!(err instanceof ZodError)) return undefined;
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
