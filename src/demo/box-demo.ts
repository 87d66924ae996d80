/**
 * The Box pipeline, hands-off, on one machine: the Box emulator and aiqc (server + worker +
 * sweeper) on free ports in this process, a demo client onboarded the way the runbook does it,
 * generated samples uploaded as the client's person, and the reports fetched back from REPORTS.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import pino from 'pino';
import { BoxClient } from '../box/client.js';
import { boxSettingsFromEnv } from '../box/settings.js';
import { startBoxEmulator, type BoxEmulator } from '../box-emulator/index.js';
import { registerBoxCommands } from '../cli/box.js';
import { reportBaseName } from '../cli/check.js';
import { GENERAL_PROFILE_FOR_KIND } from '../config/profiles.js';
import { getQcRun } from '../db/qc-runs.js';
import type { Job } from '../jobs/queue.js';
import type { BoxQcResult } from '../pipeline/job.js';
import { startPipelineFromEnv, type RunningPipeline } from '../pipeline/service.js';
import { createQcRuntimeFromEnv } from '../app/runtime.js';
import { boxQcFileDedupeKey } from '../pipeline/box-qc-file.js';
import { EmulatorAdmin, type AdminFile } from './emulator-admin.js';
import { writeDocxSample, writeImageSample, writePdfSample, writeVideoSample, type DemoSample } from './samples.js';

export interface BoxDemoOptions {
  outDir: string;
  /** Progress lines for the person watching. */
  log: (line: string) => void;
  /** How long to wait for all reports (default 3 minutes). */
  timeoutMs?: number;
}

export interface DemoRow {
  file: string;
  profile: string;
  score: string;
  verdict: string;
  report: string;
}

export interface BoxDemoResult {
  rows: DemoRow[];
  /** Every QC-able sample got its report and the .docx was skipped. */
  ok: boolean;
  logFile: string;
}

const CLIENT_ID = 'demo_client';

export async function runBoxDemo(options: BoxDemoOptions): Promise<BoxDemoResult> {
  const { outDir, log } = options;
  await rm(outDir, { recursive: true, force: true });
  const samplesDir = join(outDir, 'samples');
  await mkdir(samplesDir, { recursive: true });
  const logFile = join(outDir, 'aiqc.log');
  const work = await mkdtemp(join(tmpdir(), 'aiqc-demo-'));
  const keys = { primary: randomBytes(16).toString('hex'), secondary: randomBytes(16).toString('hex') };
  let emulator: BoxEmulator | undefined;
  let aiqc: RunningPipeline | undefined;
  const logger = pino({ level: 'info' }, pino.destination({ dest: logFile, sync: true }));
  try {
    // 1. "Box": the emulator on a free port, its app's signature keys set as in the developer console.
    emulator = await startBoxEmulator({ port: 0, signatureKeys: keys, allowInsecureWebhooks: true, webhookRetry: { maxAttempts: 5, delaysMs: [1_000], timeoutMs: 10_000 } });
    const admin = new EmulatorAdmin(emulator.url);
    const [app] = await admin.apps();
    if (!app) throw new Error('the Box emulator started without an app');
    const jwtConfigPath = join(work, 'box-config.json');
    await writeFile(jwtConfigPath, JSON.stringify(app.config), { mode: 0o600 });
    log(`Box emulator on ${emulator.url} (service account ${app.service_account.login})`);

    // 2. Onboarding (runbook): the client's person owns INCOMING and REPORTS and invites the service account as Editor.
    const person = await admin.createUser('Dana Demo', 'dana@demo-client.example');
    const incoming = await admin.createFolder('Demo Client INCOMING', person.id);
    const reports = await admin.createFolder('Demo Client REPORTS', person.id);
    await admin.collaborate(incoming.id, app.service_account.id, 'editor');
    await admin.collaborate(reports.id, app.service_account.id, 'editor');
    const configDir = join(work, 'config');
    await mkdir(configDir);
    const env: Record<string, string | undefined> = {
      ...process.env,
      DATABASE_URL: '',
      AIQC_CONFIG_DIR: configDir,
      AIQC_DATA_DIR: join(work, 'data'),
      TMPDIR: work,
      PORT: '0',
      HOST: '127.0.0.1',
      AIQC_BASE_PATH: '',
      BOX_JWT_CONFIG_PATH: jwtConfigPath,
      BOX_API_BASE_URL: emulator.baseUrls.baseUrl,
      BOX_UPLOAD_BASE_URL: emulator.baseUrls.uploadUrl,
      BOX_OAUTH2_BASE_URL: emulator.baseUrls.oauth2Url,
      BOX_WEBHOOK_PRIMARY_KEY: keys.primary,
      BOX_WEBHOOK_SECONDARY_KEY: keys.secondary,
      AIQC_SWEEP_INTERVAL_S: '60',
      AIQC_SWEEP_GRACE_S: '30',
    };
    await writeFile(join(configDir, 'clients.yaml'), await demoClientsYaml(env, incoming.id, reports.id));
    log(`onboarded client "${CLIENT_ID}": INCOMING ${incoming.id}, REPORTS ${reports.id}, service account invited as Editor`);

    // 3. aiqc serve, from the same environment a deployment uses.
    await mkdir(env.AIQC_DATA_DIR!, { recursive: true });
    aiqc = await startPipelineFromEnv('serve', env, logger);
    const webhookUrl = `${aiqc.url}/api/box/webhook`;
    log(`aiqc serving on ${aiqc.url} (worker and sweeper running; log: ${relative(process.cwd(), logFile)})`);

    // 4. aiqc box register-all-clients URL — the same command the runbook runs.
    const runtime = await createQcRuntimeFromEnv(env);
    const box = new BoxClient({ settings: boxSettingsFromEnv(env) });
    let registerFailed = false;
    const program = new Command('aiqc').exitOverride();
    registerBoxCommands(program, {
      box: () => box,
      loadClients: async () => runtime.clients,
      env,
      out: (line) => log(`  register-all-clients: ${line}`),
      err: (line) => log(`  register-all-clients: ${line}`),
      setExitCode: (code) => (registerFailed = code !== 0),
    });
    await program.parseAsync(['box', 'register-all-clients', webhookUrl], { from: 'user' });
    if (registerFailed) throw new Error('register-all-clients failed; see the lines above');

    // 5. The client's person drops files into INCOMING.
    const samples: DemoSample[] = [
      await writeImageSample(samplesDir),
      await writeVideoSample(samplesDir, runtime.settings.ffmpegPath),
      await writePdfSample(samplesDir),
      await writeDocxSample(samplesDir),
    ];
    const uploaded: Array<{ sample: DemoSample; file: AdminFile }> = [];
    for (const sample of samples) {
      const file = await admin.uploadAs(person.id, incoming.id, sample.name, await readFile(sample.path));
      uploaded.push({ sample, file });
      log(`uploaded ${sample.name} to INCOMING as ${person.name} (file ${file.id})`);
    }

    // 6. Wait for every job, then fetch each report from REPORTS.
    const deadline = Date.now() + (options.timeoutMs ?? 180_000);
    const rows: DemoRow[] = [];
    let ok = true;
    for (const { sample, file } of uploaded) {
      if (sample.kind === 'other') {
        const skipped = await waitForSkip(aiqc, file.id, deadline);
        rows.push({ file: sample.name, profile: '-', score: '-', verdict: skipped ? 'skipped: non-QC extension' : 'no webhook seen', report: '-' });
        ok &&= skipped;
        continue;
      }
      const job = await waitForJob(aiqc, boxQcFileDedupeKey({ file_id: file.id, file_version_id: file.file_version.id }), deadline);
      if (!job || job.status !== 'done') {
        ok = false;
        const why = !job ? `no job after ${Math.round((options.timeoutMs ?? 180_000) / 1000)} s (see ${relative(process.cwd(), logFile)})` : `job ${job.status}: ${job.lastError ?? ''}`;
        rows.push({ file: sample.name, profile: '-', score: '-', verdict: 'error', report: why.slice(0, 160) });
        continue;
      }
      const result = job.result as BoxQcResult;
      const base = join(outDir, reportBaseName(sample.name));
      await box.downloadToPath(result.report_file_id, `${base}.qc.html`);
      // The PDF rendition beside it in REPORTS (what Box previews), when Chromium is present.
      if (result.report_pdf_file_id) await box.downloadToPath(result.report_pdf_file_id, `${base}.qc.pdf`);
      const run = await getQcRun(aiqc.queue.db.kysely, result.session_id);
      await writeFile(`${base}.qc.json`, `${JSON.stringify(run?.report ?? null, null, 2)}\n`);
      const moved = result.box_source_move_error ? ` (source not moved: ${result.box_source_move_error})` : '';
      const pdfNote = result.report_pdf_file_id ? ' + .qc.pdf' : result.report_pdf_skipped ? ` (no PDF: ${result.report_pdf_skipped})` : '';
      rows.push({ file: sample.name, profile: result.profile_id, score: String(result.score), verdict: result.verdict, report: `${relative(process.cwd(), base)}.qc.html${pdfNote}${moved}` });
    }
    const processed = await box.findOrCreateFolder(incoming.id, '_PROCESSED');
    const archived = await box.listAllItems(processed.id);
    log(`INCOMING/_PROCESSED now holds: ${archived.map((i) => i.name).join(', ') || '(nothing)'}`);
    const inReports = await box.listAllItems(reports.id);
    log(`REPORTS now holds: ${inReports.map((i) => i.name).join(', ') || '(nothing)'}`);
    return { rows, ok, logFile };
  } finally {
    await aiqc?.stop().catch(() => {});
    await emulator?.close().catch(() => {});
    logger.flush();
    await rm(work, { recursive: true, force: true });
  }
}

/** clients.yaml for the demo client: every built-in general profile present on this build. */
async function demoClientsYaml(env: Record<string, string | undefined>, incomingId: string, reportsId: string): Promise<string> {
  const bare = await createQcRuntimeFromEnv({ ...env, AIQC_CONFIG_DIR: join(env.AIQC_CONFIG_DIR!, 'none') });
  const profiles = [...new Set(Object.values(GENERAL_PROFILE_FOR_KIND))].filter((id) => bare.profiles.has(id));
  return [
    '# Generated by `npm run demo`: one client, one INCOMING/REPORTS pair.',
    'clients:',
    `  ${CLIENT_ID}:`,
    '    name: Demo Client',
    `    profiles: [${profiles.join(', ')}]`,
    '    default_profile: static_general',
    '    box:',
    '      folders:',
    `        - { incoming_folder_id: "${incomingId}", reports_folder_id: "${reportsId}" }`,
    '',
  ].join('\n');
}

async function waitForJob(aiqc: RunningPipeline, dedupeKey: string, deadline: number): Promise<Job | undefined> {
  for (;;) {
    const job = await aiqc.queue.getByDedupeKey(dedupeKey);
    if (job && (job.status === 'done' || job.status === 'dead')) return job;
    if (Date.now() > deadline) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitForSkip(aiqc: RunningPipeline, fileId: string, deadline: number): Promise<boolean> {
  for (;;) {
    const row = await aiqc.queue.db.kysely
      .selectFrom('webhook_deliveries')
      .select('outcome')
      .where('file_id', '=', fileId)
      .executeTakeFirst();
    if (row) return row.outcome === 'non_qc_extension';
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
