import { Migrator, type MigrationProvider } from 'kysely/migration';
import type { Db } from './database.js';
import { migrations } from './migrations.js';

export interface MigrationState {
  name: string;
  /** When it was applied (epoch ms); undefined while pending. */
  appliedAt?: number;
}

/**
 * Every migration the code knows and whether this database has it (Kysely's
 * `Migrator.getMigrations`). Read-only: applies nothing, so it is safe on a database that
 * newer or older aiqc processes are using.
 */
export async function migrationStatus(db: Db): Promise<MigrationState[]> {
  const set = migrations(db.capabilities);
  const provider: MigrationProvider = { getMigrations: async () => set };
  const migrator = new Migrator({ db: db.kysely, provider, ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
  const infos = await migrator.getMigrations();
  return infos.map((info) => (info.executedAt ? { name: info.name, appliedAt: info.executedAt.getTime() } : { name: info.name }));
}
