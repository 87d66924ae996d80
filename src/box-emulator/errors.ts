// The errors the emulator answers with Box's error JSON (status, code, message, context_info).

import { AiqcError } from '../qc/errors.js';

/** An error the emulator answers with Box's error JSON; `code` is Box's error code. */
export class EmuApiError extends AiqcError {
  readonly status: number;
  readonly contextInfo: Record<string, unknown> | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, contextInfo?: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(code, message);
    this.status = status;
    this.contextInfo = contextInfo;
    this.headers = headers;
  }
}

export const notFound = (): EmuApiError => new EmuApiError(404, 'not_found', 'Not Found');
export const forbidden = (): EmuApiError =>
  new EmuApiError(403, 'access_denied_insufficient_permissions', 'Access denied - insufficient permission');
export const badRequest = (message: string, code = 'bad_request'): EmuApiError => new EmuApiError(400, code, message);
