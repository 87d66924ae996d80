// The console served for real (startPipeline: webhook + console + worker on one port) with Box
// connect pointed at the emulator, logging JSON to a file (with the production redaction) so
// tests can grep it for tokens. Accounts: an admin and a member of "acme" with passwords.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createUser } from '../../src/auth/accounts.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { LOG_REDACT } from '../../src/boxconnect/redact.js';
import { BoxConfigError } from '../../src/box/errors.js';
import { createQcRuntime } from '../../src/app/runtime.js';
import { startPipeline, type RunningPipeline } from '../../src/pipeline/service.js';
import { createTestDatabase, type Engine, type TestDatabase } from '../db/test-databases.js';
import { testSettings } from '../helpers/runtime.js';
import { startConnectWorld, type ConnectWorld } from './world.js';

export const PASSWORD = 'correct horse battery staple';

export interface ServedWorld extends ConnectWorld {
  t: TestDatabase;
  pipeline: RunningPipeline;
  url: string;
  basePath: string;
  dir: string;
  logFile: string;
  users: { admin: { id: number; email: string }; member: { id: number; email: string } };
  /** Sign in with e-mail and password; returns the cookie header value. */
  signIn(email: string): Promise<string>;
  close(): Promise<void>;
}

export async function startServedWorld(options: { engine: Engine; basePath?: string }): Promise<ServedWorld> {
  const w = await startConnectWorld();
  const dir = await mkdtemp(join(tmpdir(), 'aiqc-boxconnect-'));
  const configDir = join(dir, 'config');
  await mkdir(configDir);
  await writeFile(
    join(configDir, 'clients.yaml'),
    ['clients:', '  acme:', '    name: Acme Drinks', '    profiles: [static_general, file_basic]', '    default_profile: static_general', ''].join('\n'),
  );
  const runtime = await createQcRuntime(testSettings({ configDir, dataDir: join(dir, 'data'), tmpDir: dir }));
  const t = await createTestDatabase(options.engine);
  const basePath = options.basePath ?? '/ai_qc';
  const logFile = join(dir, 'aiqc.log');
  const logger = pino({ level: 'debug', redact: LOG_REDACT }, pino.destination({ dest: logFile, sync: true }));
  const pipeline = await startPipeline({
    role: 'serve',
    db: t.db,
    runtime,
    box: () => {
      throw new BoxConfigError('The service account is not used by these tests.', ['none']);
    },
    logger,
    settings: { concurrency: 1, leaseMs: 5_000, shutdownGraceMs: 2_000, sweepIntervalMs: 3_600_000, sweepGraceMs: 0 },
    http: { port: 0, host: '127.0.0.1', basePath, webhookKeys: { primary: 'unused' } },
    tmpRoot: dir,
    pollMs: 25,
    console: {
      maxUploadBytes: 20 * 1024 * 1024,
      loginAttemptsPerMinute: 1000,
      boxConnect: { ...w.app, keys: w.keys, baseUrls: w.emulator.baseUrls },
    },
  });
  const passwordHash = await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 });
  const admin = await createUser(t.db.kysely, { email: 'admin@agency.example', role: 'admin', clients: [], passwordHash });
  const member = await createUser(t.db.kysely, { email: 'ann@agency.example', role: 'member', clients: ['acme'], passwordHash });
  const url = pipeline.url!;
  return {
    ...w,
    t,
    pipeline,
    url,
    basePath,
    dir,
    logFile,
    users: { admin: { id: admin.id, email: admin.email }, member: { id: member.id, email: member.email } },
    async signIn(email) {
      const response = await fetch(`${url}${basePath}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
        body: new URLSearchParams({ email, password: PASSWORD }).toString(),
      });
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('aiqc_session='));
      if (!cookie) throw new Error(`sign-in of ${email} failed: ${response.status}`);
      return cookie.split(';')[0]!;
    },
    async close() {
      await pipeline.stop();
      await w.emulator.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Cookie jar for fetch: `name=value` pairs kept across responses. */
export class Jar {
  readonly cookies = new Map<string, string>();
  constructor(initial?: string) {
    if (initial) this.add([initial]);
  }
  add(setCookies: string[]): void {
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, { redirect: 'manual', ...init, headers: { ...(init.headers as Record<string, string>), cookie: this.header() } });
    this.add(response.headers.getSetCookie());
    return response;
  }
}

/**
 * Start the authorize round trip as the jar's browser and consent on the emulator's page as
 * `boxUserId`; returns the callback URL Box redirected to (not yet visited).
 */
export async function authorizeAt(w: ServedWorld, jar: Jar, boxUserId: string, loginPath = '/auth/box/login'): Promise<string> {
  const start = await jar.fetch(`${w.url}${w.basePath}${loginPath}`);
  if (start.status !== 302) throw new Error(`login answered ${start.status}: ${await start.text()}`);
  const authorize = new URL(start.headers.get('location')!);
  const page = await fetch(authorize);
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}`);
  const form = new URLSearchParams();
  for (const key of ['client_id', 'redirect_uri', 'state', 'response_type']) form.set(key, authorize.searchParams.get(key) ?? '');
  form.set('user_id', boxUserId);
  const consent = await fetch(authorize, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}`);
  return consent.headers.get('location')!;
}
