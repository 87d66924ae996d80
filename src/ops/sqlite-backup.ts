/**
 * An online copy of the SQLite database (`VACUUM INTO`) while aiqc serve and its workers keep
 * writing; the copy is a consistent snapshot. Written beside the target and renamed into place,
 * so a crash never leaves a half-written file under the name asked for.
 */
import { AiqcError } from '../qc/errors.js';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export class BackupError extends AiqcError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ops_backup', message, options);
  }
}

export interface BackupResult {
  path: string;
  pages: number;
}

export async function backupSqlite(sourcePath: string, targetPath: string, options: { overwrite?: boolean } = {}): Promise<BackupResult> {
  const source = resolve(sourcePath);
  const target = resolve(targetPath);
  if (!existsSync(source)) throw new BackupError(`No SQLite database at ${source}: check AIQC_DATA_DIR (run \`aiqc migrate\` to create one).`);
  if (source === target) throw new BackupError(`The backup file is the database itself (${source}): give another path.`);
  if (!options.overwrite && existsSync(target)) throw new BackupError(`${target} already exists: choose a new file name, or pass --force to replace it.`);
  const partial = `${target}.partial-${process.pid}`;
  let handle: BetterSqlite3.Database | undefined;
  try {
    handle = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
    handle.pragma('busy_timeout = 5000');
    // VACUUM INTO copies the database in one read transaction: a consistent snapshot that, in WAL
    // mode, never blocks the writers, and that busy writers cannot restart (the stepwise backup
    // API starts over whenever another connection writes between its steps, which under a
    // steady stream of writes can go on for ever).
    handle.prepare('VACUUM INTO ?').run(partial);
    const copy = new BetterSqlite3(partial, { readonly: true, fileMustExist: true });
    const pages = Number(copy.pragma('page_count', { simple: true }));
    copy.close();
    await rename(partial, target);
    return { path: target, pages };
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof BackupError) throw error;
    throw new BackupError(`Backup of ${source} to ${target} failed: ${(error as Error).message}. Check the target folder exists and is writable, and there is disk space.`, { cause: error });
  } finally {
    handle?.close();
  }
}
