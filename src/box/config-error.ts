import { AiqcError } from '../qc/errors.js';

/** Configuration for reaching Box is missing or wrong; names the variable or file and the fix. */
export class BoxConfigError extends AiqcError {
  constructor(
    message: string,
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super('box_config_invalid', message, options);
  }
}
