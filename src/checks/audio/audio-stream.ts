import type { AvDetails } from '../../analysis/av/index.js';
import { NotApplicableError } from '../../qc/errors.js';

/** The audio stream, or `skipped`: a silent video's loudness is audio.present's business. */
export function audioStreamOf(details: AvDetails): NonNullable<AvDetails['audio']> {
  if (!details.audio) throw new NotApplicableError('the file has no audio track (audio.present judges whether that is allowed)');
  return details.audio;
}
