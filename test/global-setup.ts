/**
 * Once per test run: build dist/ (the CLI tests run the real `aiqc` bin) and make sure the
 * OS tools the suites use are installed. The suite never skips for a missing tool: it stops
 * here and says what to install (`.ci/run` installs all of them).
 */
import { execFileSync } from 'node:child_process';

const TOOLS: Array<{ cmd: string; args: string[]; install: string }> = [
  { cmd: process.env.FFMPEG_PATH ?? 'ffmpeg', args: ['-version'], install: 'apt-get install ffmpeg' },
  { cmd: process.env.FFPROBE_PATH ?? 'ffprobe', args: ['-version'], install: 'apt-get install ffmpeg' },
  { cmd: 'gs', args: ['--version'], install: 'apt-get install ghostscript' },
  { cmd: 'pdffonts', args: ['-v'], install: 'apt-get install poppler-utils' },
  { cmd: 'qpdf', args: ['--version'], install: 'apt-get install qpdf' },
  // The web console's browser tests drive the OS's Chromium (playwright-core cannot download one here).
  { cmd: process.env.CHROMIUM_PATH ?? 'chromium', args: ['--version'], install: 'apt-get install chromium' },
];

export default function setup(): void {
  const missing = TOOLS.filter((t) => {
    try {
      execFileSync(t.cmd, t.args, { stdio: 'ignore' });
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT';
    }
  });
  if (missing.length > 0) {
    throw new Error(`The test suite needs these tools: ${missing.map((t) => `${t.cmd} (${t.install})`).join(', ')}. Install them, or run \`bash .ci/run\`, which does.`);
  }
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
