/**
 * What the A/V benches share: the 30 s 1080p25 H.264 + AAC test clip, generated once per
 * bitrate into bench/.out, and a CPU clock that counts waited-for children (ffmpeg).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const BENCH_OUT = join(dirname(fileURLToPath(import.meta.url)), '.out');

export const clipPath = (mbit: number) => join(BENCH_OUT, `av-clip-1080p25-${mbit}M.mp4`);

/** The clip at `mbit` Mbit/s, generated on first use. */
export async function ensureClip(ffmpeg: string, mbit: number): Promise<string> {
  const clip = clipPath(mbit);
  if (await stat(clip).then((s) => s.size > 0, () => false)) return clip;
  await mkdir(BENCH_OUT, { recursive: true });
  console.error(`generating the 30 s 1080p25 ${mbit} Mbit/s clip (once)…`);
  // Moving test pattern with a 2 s black gap and pink noise with a 2 s silent gap: every
  // detector has something to find, as in a real ad.
  await run(ffmpeg, [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=25:d=30,drawbox=enable=between(t\\,10\\,12):color=black:t=fill',
    '-f', 'lavfi', '-i', 'anoisesrc=c=pink:r=48000:a=0.2:d=30,volume=enable=between(t\\,20\\,22):volume=0,aformat=channel_layouts=stereo',
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', `${mbit}M`, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', '-shortest', `${clip}.partial.mp4`,
  ]);
  // Renamed when complete, so a bench started meanwhile never reads half a clip.
  await rename(`${clip}.partial.mp4`, clip);
  return clip;
}

/** CPU seconds of this process plus every child it has waited for (Linux /proc; the benches' only platform need). */
export function cpuSeconds(): number {
  const own = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: state is field 3, so cutime/cstime (16, 17) sit at indexes 13 and 14.
  return (own.user + own.system) / 1e6 + (Number(fields[13]) + Number(fields[14])) / 100;
}
