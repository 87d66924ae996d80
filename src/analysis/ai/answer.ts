/**
 * What a model call yields besides the verdict: its token usage, and the error that says why
 * there is no usable answer. Apart from judge.ts so the lazily loaded call module (call.ts) and
 * the judge share them without importing each other.
 */
import { AiqcError } from '../../qc/errors.js';

export interface AiUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
}

/** The model could not give a usable answer; the message says why, for the report. */
export class AiAnswerError extends AiqcError {
  constructor(code: 'ai_bad_answer' | 'ai_timeout' | 'ai_call_failed', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
