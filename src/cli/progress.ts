/**
 * Progress for long work: a single rewritten status line on a TTY, nothing otherwise (so
 * output stays machine-readable when piped or run by a scheduler).
 */
import type { ProgressEvent } from '../qc/types.js';

export interface ProgressSink {
  onEvent(fileIndex: number, fileCount: number, event: ProgressEvent): void;
  done(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  if (!stream.isTTY) return { onEvent: () => undefined, done: () => undefined };
  let lastWrite = 0;
  let shown = false;
  const write = (text: string) => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    shown = true;
  };
  return {
    onEvent(fileIndex, fileCount, event) {
      const prefix = fileCount > 1 ? `[${fileIndex + 1}/${fileCount}] ` : '';
      const now = Date.now();
      if (event.type === 'check-start') {
        // Redraw at most ~20 times a second: fast checks would otherwise flicker.
        if (now - lastWrite < 50 && event.index !== 1) return;
        lastWrite = now;
        write(`${prefix}${event.name}  check ${event.index}/${event.total}: ${event.check_name}`);
      } else if (event.type === 'asset-start') {
        write(`${prefix}${event.name}  reading…`);
      }
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
