/**
 * aiqc's one error vocabulary. Every error class in src/ extends `AiqcError`: a stable
 * snake_case `code` (for logs, job rows and API answers; never reworded), a message a person can
 * act on, the `fix` when there is one, and the cause attached. Lives in the engine, the lowest
 * layer, so every layer can use it. (test/qc/errors.test.ts holds every class to this.)
 */
export class AiqcError extends Error {
  readonly code: string;
  /** What to do about it, when the error is one a person can fix. */
  readonly fix: string | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; fix?: string | undefined } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.fix = options.fix;
  }
}

/** An external tool (ffmpeg, tesseract…) is not installed: checks needing it are `skipped`. */
export class ToolMissingError extends AiqcError {
  readonly tool: string;
  readonly installHint: string;
  // Fields written out (no parameter properties): test fixtures run this file with Node's
  // type stripping, which does not support them.
  constructor(tool: string, installHint: string, options?: { cause?: unknown }) {
    super('tool_missing', `${tool} is not available: ${installHint}`, { ...options, fix: installHint });
    this.tool = tool;
    this.installHint = installHint;
  }
}

/** The asset's bytes cannot be read as what they claim to be: verdict `error`, score 0. */
export class AssetUnreadableError extends AiqcError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('asset_unreadable', message, options);
  }
}

/** A check asked for something that does not apply (e.g. loudness of a silent video). */
export class NotApplicableError extends AiqcError {
  constructor(message: string) {
    super('not_applicable', message);
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
