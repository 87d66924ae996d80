import { AiqcError } from '../qc/errors.js';

/** The database settings cannot be used; the message names the variable and the fix. */
export class DatabaseConfigError extends AiqcError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('db_config', message, options);
  }
}

/** A migration failed; the schema is left at the last migration that succeeded. */
export class MigrationError extends AiqcError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('db_migration', message, options);
  }
}
