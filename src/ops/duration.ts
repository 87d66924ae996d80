/** `90d`, `12h`, `2w`, `30m` → milliseconds, for retention and alert thresholds given on the command line. */
import { AiqcError } from '../qc/errors.js';
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

export class DurationError extends AiqcError {
  constructor(message: string) {
    super('ops_duration', message);
  }
}

export function parseDuration(text: string): number {
  const match = /^\s*(\d+)\s*([mhdw])\s*$/i.exec(text);
  if (!match) throw new DurationError(`"${text}" is not a duration: write a whole number and a unit, e.g. 90d (days), 12h, 2w or 30m`);
  const ms = Number(match[1]) * UNIT_MS[match[2]!.toLowerCase() as keyof typeof UNIT_MS];
  if (ms <= 0) throw new DurationError(`"${text}" is zero: give a positive duration such as 90d`);
  return ms;
}
