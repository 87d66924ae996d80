/** Errors the engine understands. Each carries a code and a message a person can act on. */

export class AiqcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An external tool (ffmpeg, tesseract…) is not installed: checks needing it are `skipped`. */
export class ToolMissingError extends AiqcError {
  constructor(
    readonly tool: string,
    readonly installHint: string,
    options?: { cause?: unknown },
  ) {
    super('TOOL_MISSING', `${tool} is not available: ${installHint}`, options);
  }
}

/** The asset's bytes cannot be read as what they claim to be: verdict `error`, score 0. */
export class AssetUnreadableError extends AiqcError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ASSET_UNREADABLE', message, options);
  }
}

/** A check asked for something that does not apply (e.g. loudness of a silent video). */
export class NotApplicableError extends AiqcError {
  constructor(message: string) {
    super('NOT_APPLICABLE', message);
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
