import { audioChannels } from './channels.js';
import { audioLoudness } from './loudness.js';
import { audioLoudnessRange } from './loudness-range.js';
import { audioPhase } from './phase.js';
import { audioPresent } from './present.js';
import { audioSampleRate } from './sample-rate.js';
import { audioSilence } from './silence.js';
import { audioTruePeak } from './true-peak.js';

export const audioChecks = [audioPresent, audioLoudness, audioTruePeak, audioSilence, audioChannels, audioSampleRate, audioLoudnessRange, audioPhase];
