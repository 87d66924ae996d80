/** PROFILE is not allowed for CLIENT (a usage/configuration error: exit 2). */
export class ClientProfileNotAllowedError extends Error {
  readonly code = 'client_profile_not_allowed';
  constructor(message: string) {
    super(message);
    this.name = 'ClientProfileNotAllowedError';
  }
}
