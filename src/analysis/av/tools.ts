/**
 * Running ffprobe/ffmpeg: the only place in the A/V family that spawns a process. No shell
 * (arguments go straight to the program, so a file name can never become a command), the
 * child is killed when the run is cancelled or takes too long, and a missing program
 * becomes a ToolMissingError that names the install step.
 */
import { spawn } from 'node:child_process';
import { AiqcError, ToolMissingError } from '../../qc/errors.js';

export type AvTool = 'ffmpeg' | 'ffprobe';

export const INSTALL_HINT: Record<AvTool, string> = {
  ffmpeg: 'install FFmpeg (Debian/Ubuntu: `apt-get install ffmpeg`, macOS: `brew install ffmpeg`) or set FFMPEG_PATH to the ffmpeg program',
  ffprobe: 'install FFmpeg, which includes ffprobe (Debian/Ubuntu: `apt-get install ffmpeg`, macOS: `brew install ffmpeg`) or set FFPROBE_PATH to the ffprobe program',
};

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** Keep at most this much of stdout (ffprobe JSON is small; ffmpeg writes nothing there). */
  maxStdoutBytes?: number;
}

export class ToolTimeoutError extends AiqcError {
  constructor(tool: AvTool, ms: number) {
    super('tool_timeout', `${tool} took longer than ${Math.round(ms / 1000)} s and was stopped: the file may be very long or damaged; raise AIQC_CHECK_TIMEOUT_S if such files are expected`);
  }
}

/** Run `program args…`; resolves with the exit code and output, whatever the code. */
export function runTool(tool: AvTool, program: string, args: readonly string[], opts: ToolOptions): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) {
      reject(opts.signal.reason instanceof Error ? opts.signal.reason : new Error(`${tool} was cancelled`));
      return;
    }
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const maxOut = opts.maxStdoutBytes ?? 64 * 1024 * 1024;
    const out: Buffer[] = [];
    let outBytes = 0;
    // stderr is only read for the reason of a failure: its tail is what matters.
    let stderr = '';
    let settled = false;
    let killedFor: Error | undefined;

    const kill = (why: Error) => {
      if (killedFor) return;
      killedFor = why;
      child.kill('SIGKILL');
    };
    const onAbort = () => kill(new Error(`${tool} was cancelled`));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => kill(new ToolTimeoutError(tool, opts.timeoutMs)), opts.timeoutMs);

    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      fn();
    };

    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes <= maxOut) out.push(chunk);
      else kill(new Error(`${tool} wrote more output than expected (${maxOut} bytes)`));
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-16_384);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish(() => {
        if (err.code === 'ENOENT' || err.code === 'EACCES') reject(new ToolMissingError(tool, `${program} could not be started (${err.code}): ${INSTALL_HINT[tool]}`, { cause: err }));
        else reject(err);
      });
    });
    child.on('close', (code) => {
      finish(() => {
        if (killedFor) reject(killedFor);
        else resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr });
      });
    });
  });
}
