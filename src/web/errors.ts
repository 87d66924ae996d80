import { AiqcError } from '../qc/errors.js';

/** An answer the API gives as `{error: {code, message}}` with this status; pages show the message. */
export class ConsoleError extends AiqcError {
  readonly statusCode: number;
  constructor(statusCode: 400 | 401 | 403 | 404 | 409 | 413 | 422, code: string, message: string) {
    super(code, message);
    this.statusCode = statusCode;
  }
}

export const notSignedIn = () => new ConsoleError(401, 'unauthenticated', 'Sign in first (session cookie or Authorization: Bearer <token from `aiqc tokens create`>).');
export const adminsOnly = () => new ConsoleError(403, 'forbidden', 'Only admins can do this; ask an admin (see `aiqc users list`).');
export const noAccessToClient = (clientId: string | null) =>
  new ConsoleError(403, 'forbidden', `You are not assigned to client ${clientId ? `"${clientId}"` : '(none)'}; an admin can add you with \`aiqc users add … --client ${clientId ?? 'ID'}\`.`);
