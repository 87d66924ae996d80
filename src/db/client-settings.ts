import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { AiqcError } from '../qc/errors.js';

/**
 * Admin overrides of a client's default profile (`aiqc clients set-default/revert-default`).
 * Overrides form a stack per client: set pushes, revert pops, the top is in force, and an empty
 * stack means the client's configured `default_profile` applies.
 */

export class NoOverrideToRevertError extends AiqcError {
  readonly clientId: string;
  constructor(clientId: string) {
    super('client_settings_nothing_to_revert', `Client "${clientId}" has no default-profile override to revert; it already uses its configured default_profile.`);
    this.clientId = clientId;
  }
}

/** The override in force, or undefined when the configured default applies. */
export async function getDefaultProfileOverride(db: Kysely<Database>, clientId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('client_settings')
    .select('default_profile')
    .where('client_id', '=', clientId)
    .where('reverted_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.default_profile;
}

export interface OverrideChange {
  clientId: string;
  /** Override in force before the change (undefined: the configured default). */
  previous: string | undefined;
  /** Override in force after the change (undefined: the configured default). */
  current: string | undefined;
}

export async function setDefaultProfileOverride(
  db: Kysely<Database>,
  clientId: string,
  profileId: string,
  now = Date.now(),
  /** Who made the change (audit): a console user's e-mail, or "cli". */
  by: string | null = null,
): Promise<OverrideChange> {
  return db.transaction().execute(async (trx) => {
    const previous = await getDefaultProfileOverride(trx, clientId);
    await trx.insertInto('client_settings').values({ client_id: clientId, default_profile: profileId, set_at: now, set_by: by }).execute();
    return { clientId, previous, current: profileId };
  });
}

/** Pop the newest override; throws NoOverrideToRevertError when there is none. */
export async function revertDefaultProfileOverride(
  db: Kysely<Database>,
  clientId: string,
  now = Date.now(),
  by: string | null = null,
): Promise<OverrideChange> {
  return db.transaction().execute(async (trx) => {
    const top = await trx
      .selectFrom('client_settings')
      .select(['id', 'default_profile'])
      .where('client_id', '=', clientId)
      .where('reverted_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!top) throw new NoOverrideToRevertError(clientId);
    // Guarded by reverted_at so two concurrent reverts cannot both pop the same row.
    const popped = await trx
      .updateTable('client_settings')
      .set({ reverted_at: now, reverted_by: by })
      .where('id', '=', top.id)
      .where('reverted_at', 'is', null)
      .executeTakeFirst();
    if (Number(popped.numUpdatedRows) !== 1) throw new NoOverrideToRevertError(clientId);
    const current = await getDefaultProfileOverride(trx, clientId);
    return { clientId, previous: top.default_profile, current };
  });
}

export interface OverrideHistoryEntry {
  profileId: string;
  setAt: number;
  revertedAt: number | null;
  setBy: string | null;
  revertedBy: string | null;
}

export async function listDefaultProfileHistory(db: Kysely<Database>, clientId: string): Promise<OverrideHistoryEntry[]> {
  const rows = await db
    .selectFrom('client_settings')
    .select(['default_profile', 'set_at', 'reverted_at', 'set_by', 'reverted_by'])
    .where('client_id', '=', clientId)
    .orderBy('id', 'asc')
    .execute();
  return rows.map((r) => ({ profileId: r.default_profile, setAt: r.set_at, revertedAt: r.reverted_at, setBy: r.set_by, revertedBy: r.reverted_by }));
}
