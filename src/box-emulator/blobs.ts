// File content on disk: one file per version under a blob directory (beside the state file,
// or a temporary directory removed on close), never held in memory. Uploads stream into a
// staging file while their SHA-1 is computed chunk by chunk, so a file of any size (≥ 2 GiB,
// which one `hash.update()` refuses) costs a few buffers of memory, not its size.
import type { Hash } from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Content already on disk in the blob directory's staging area, with its digest and size. */
export interface StagedBlob {
  path: string;
  sha1: string;
  size: number;
}

/** A stream that counts and hashes what passes through and fails once more than `maxBytes` passed. */
export class HashingCounter extends Transform {
  readonly hash: Hash = createHash('sha1');
  bytes = 0;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(Object.assign(new Error(`body exceeds ${this.maxBytes} bytes`), { code: 'body_too_large' }));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

/** Version content by version id, Map-like (`get`/`set`/`has`/`delete`) but on disk. */
export class BlobStore {
  /** Uploads in flight and session parts; renamed into place when a version is stored. */
  private readonly staging: string;

  private constructor(
    readonly dir: string,
    private readonly temporary: boolean,
  ) {
    this.staging = join(dir, '.staging');
    mkdirSync(this.staging, { recursive: true, mode: 0o700 });
  }

  /** Blobs in `dir` (created when missing), kept after close. */
  static at(dir: string): BlobStore {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new BlobStore(dir, false);
  }

  /** Blobs in a fresh temporary directory, removed by `close()`. */
  static temporary(): BlobStore {
    return new BlobStore(mkdtempSync(join(tmpdir(), 'aiqc-box-emulator-blobs-')), true);
  }

  /** Where a version's content lives (the file may not exist). */
  path(versionId: string): string {
    if (!/^[0-9A-Za-z_-]+$/.test(versionId)) throw new Error(`emulator invariant: bad blob id ${versionId}`);
    return join(this.dir, versionId);
  }

  has(versionId: string): boolean {
    try {
      return statSync(this.path(versionId)).isFile();
    } catch {
      return false;
    }
  }

  /** The content as a Buffer (tests and small admin reads); undefined when absent. */
  get(versionId: string): Buffer | undefined {
    try {
      return readFileSync(this.path(versionId));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Store small content given in memory (admin uploads, old state files). */
  set(versionId: string, content: Buffer): this {
    writeFileSync(this.path(versionId), content, { mode: 0o600 });
    return this;
  }

  sizeOf(versionId: string): number | undefined {
    try {
      return statSync(this.path(versionId)).size;
    } catch {
      return undefined;
    }
  }

  read(versionId: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(versionId), range ?? {});
  }

  /** A fresh path in the staging area (same filesystem, so adopting it is a rename). */
  stagingPath(prefix = 'up'): string {
    return join(this.staging, `${prefix}-${randomBytes(8).toString('hex')}`);
  }

  /**
   * Stream `source` into a staging file, hashing as it goes; fails (file removed) past
   * `maxBytes`. The source is piped, not handed to `pipeline`, so a refused request body is
   * left readable (the caller answers, then the rest is discarded) rather than destroyed.
   */
  async stage(source: Readable, maxBytes?: number, path = this.stagingPath()): Promise<StagedBlob> {
    const counter = new HashingCounter(maxBytes);
    const written = pipeline(counter, createWriteStream(path, { mode: 0o600 }));
    const abort = (err?: Error): void => {
      if (!source.readableEnded) counter.destroy(err ?? new Error('the request body ended early (client aborted)'));
    };
    source.once('error', abort);
    source.once('close', () => abort());
    source.pipe(counter);
    try {
      await written;
    } catch (err) {
      source.unpipe(counter);
      if (!source.destroyed) source.resume();
      rmSync(path, { force: true });
      throw err;
    } finally {
      source.off('error', abort);
    }
    return { path, sha1: counter.hash.digest('hex'), size: counter.bytes };
  }

  /** Stage `content` given in memory. */
  stageBuffer(content: Buffer): StagedBlob {
    const path = this.stagingPath();
    writeFileSync(path, content, { mode: 0o600 });
    return { path, sha1: createHash('sha1').update(content).digest('hex'), size: content.length };
  }

  /** Move a staged file into place as `versionId`'s content. */
  adopt(versionId: string, staged: StagedBlob): void {
    renameSync(staged.path, this.path(versionId));
  }

  /** Copy one version's content to a new staged blob (a file copy; the kernel copies, not JS). */
  copyToStaging(versionId: string, sha1: string): StagedBlob {
    const path = this.stagingPath('copy');
    copyFileSync(this.path(versionId), path);
    return { path, sha1, size: statSync(path).size };
  }

  discard(staged: StagedBlob | string | undefined): void {
    if (staged) rmSync(typeof staged === 'string' ? staged : staged.path, { force: true });
  }

  close(): void {
    if (this.temporary) rmSync(this.dir, { recursive: true, force: true });
    else rmSync(this.staging, { recursive: true, force: true });
  }
}
