/** The database settings cannot be used; the message names the variable and the fix. */
export class DatabaseConfigError extends Error {
  readonly code = 'db_config';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseConfigError';
  }
}

/** A migration failed; the schema is left at the last migration that succeeded. */
export class MigrationError extends Error {
  readonly code = 'db_migration';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}
