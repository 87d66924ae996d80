/** PROFILE is not allowed for CLIENT (a usage/configuration error: exit 2). */
import { AiqcError } from '../qc/errors.js';
export class ClientProfileNotAllowedError extends AiqcError {
  constructor(message: string) {
    super('client_profile_not_allowed', message);
  }
}
