/**
 * Ghostscript, for what only a real RIP-like renderer can say: how much ink each point of a
 * page carries once overprint, transparency and colour conversion have been applied. The
 * only code in the PDF family that spawns a process: no shell, the file given after `-f`,
 * `-dSAFER`, SIGKILL on the run's abort signal and on the check timeout. A missing program is
 * a ToolMissingError naming the install step (checks that need it are then `skipped`).
 */
import { spawn } from 'node:child_process';
import { AiqcError, ToolMissingError } from '../../qc/errors.js';

export const GHOSTSCRIPT_INSTALL_HINT =
  'install Ghostscript (Debian/Ubuntu: `apt-get install ghostscript`, macOS: `brew install ghostscript`) or set pdf.ghostscript_path to the gs program';

export class GhostscriptError extends AiqcError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ghostscript_failed', message, { ...options, fix: 'export the PDF again; if it opens in Acrobat, send it to support with the report' });
  }
}

/** One page of CMYK pixels, 8 bits per ink, interleaved C M Y K, rows top to bottom. */
export interface CmykRaster {
  page: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export interface RenderOptions {
  program: string;
  dpi: number;
  lastPage: number;
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * Renders pages 1..lastPage of `path` to CMYK (`pamcmyk32`) at `dpi`, CropBox as displayed,
 * calling `onPage` as each page arrives (pages stream through; none is held after its call).
 */
export function renderCmyk(path: string, opts: RenderOptions, onPage: (r: CmykRaster) => void): Promise<void> {
  const args = [
    '-q',
    '-dSAFER',
    '-dBATCH',
    '-dNOPAUSE',
    '-sDEVICE=pamcmyk32',
    `-r${opts.dpi}`,
    '-dUseCropBox',
    '-dFirstPage=1',
    `-dLastPage=${opts.lastPage}`,
    // Messages to stderr: stdout carries the pictures.
    '-sstdout=%stderr',
    '-sOutputFile=-',
    '-f',
    path,
  ];
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) {
      reject(opts.signal.reason instanceof Error ? opts.signal.reason : new Error('ghostscript was cancelled'));
      return;
    }
    const child = spawn(opts.program, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const reader = new PamReader(onPage);
    let stderr = '';
    let killedFor: Error | undefined;
    let settled = false;
    const kill = (why: Error) => {
      if (killedFor) return;
      killedFor = why;
      child.kill('SIGKILL');
    };
    const onAbort = () => kill(new Error('ghostscript was cancelled'));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => kill(new GhostscriptError(`Ghostscript took longer than ${Math.round(opts.timeoutMs / 1000)} s to render the pages for ink coverage and was stopped; raise AIQC_CHECK_TIMEOUT_S if such files are expected`)),
      opts.timeoutMs,
    );
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      fn();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        kill(err instanceof Error ? err : new Error(String(err)));
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish(() => {
        if (err.code === 'ENOENT' || err.code === 'EACCES') reject(new ToolMissingError('Ghostscript', `${opts.program} could not be started (${err.code}): ${GHOSTSCRIPT_INSTALL_HINT}`, { cause: err }));
        else reject(err);
      });
    });
    child.on('close', (code) => {
      finish(() => {
        if (killedFor) reject(killedFor);
        else if (code !== 0 && reader.pages === 0) reject(new GhostscriptError(`Ghostscript could not render the PDF (exit ${code}: ${lastLine(stderr)})`));
        else resolve();
      });
    });
  });
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? 'no message';
}

/** Netpbm PAM frames (P7 … ENDHDR, then WIDTH×HEIGHT×4 bytes), one per page, back to back. */
class PamReader {
  pages = 0;
  private header = '';
  private frame: Uint8Array | undefined;
  private filled = 0;
  private width = 0;
  private height = 0;

  constructor(private readonly onPage: (r: CmykRaster) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (!this.frame) {
        // Header bytes are ASCII; read up to and including "ENDHDR\n".
        const end = chunk.indexOf(0x0a, at);
        const stop = end < 0 ? chunk.length : end + 1;
        this.header += chunk.toString('latin1', at, stop);
        at = stop;
        if (this.header.length > 512) throw new GhostscriptError('Ghostscript wrote something other than a PAM picture');
        if (this.header.endsWith('ENDHDR\n')) this.startFrame();
        continue;
      }
      const take = Math.min(chunk.length - at, this.frame.length - this.filled);
      this.frame.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === this.frame.length) {
        this.pages++;
        const data = this.frame;
        this.frame = undefined;
        this.onPage({ page: this.pages, width: this.width, height: this.height, data });
      }
    }
  }

  private startFrame(): void {
    const field = (k: string) => Number(new RegExp(`^${k} (\\d+)$`, 'm').exec(this.header)?.[1]);
    this.width = field('WIDTH');
    this.height = field('HEIGHT');
    const depth = field('DEPTH');
    const maxval = field('MAXVAL');
    if (!this.header.startsWith('P7') || depth !== 4 || maxval !== 255 || !(this.width > 0) || !(this.height > 0)) {
      throw new GhostscriptError(`unexpected picture from Ghostscript (${this.header.replace(/\n/g, ' ').slice(0, 80)})`);
    }
    this.header = '';
    this.frame = new Uint8Array(this.width * this.height * 4);
    this.filled = 0;
  }
}
