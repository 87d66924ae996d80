// deploy/ holds files no container engine or systemd runs here, so their promises are checked
// as data: the compose stack's shape, the image's non-root user and health check, the units'
// hardening, and that every metric an alert rule names is one aiqc really exports. (The lint
// tools — promtool, nginx -t, caddy validate, systemd-analyze verify, yamllint — are run by hand;
// see README "Production".)
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { JobQueue } from '../../src/jobs/queue.js';
import { createServerMetrics } from '../../src/server/metrics.js';
import { createTestDatabase, type TestDatabase } from '../db/test-databases.js';

const ROOT = join(import.meta.dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFile(join(DEPLOY, path), 'utf8');

interface ComposeService {
  command?: string[];
  env_file?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: string | number };
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  ports?: string[];
  volumes?: string[];
  secrets?: string[];
}

describe('deploy/compose.yaml', () => {
  let services: Record<string, ComposeService>;
  beforeAll(async () => {
    services = (parse(await read('compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> }).services;
  });

  it('runs PostgreSQL, a one-shot migrate, one aiqc serve and N aiqc workers (2 by default) behind Caddy on 443', () => {
    expect(Object.keys(services).sort()).toEqual(['aiqc', 'caddy', 'migrate', 'postgres', 'worker']);
    expect(services.aiqc!.command).toEqual(['serve']);
    expect(services.worker!.command).toEqual(['worker']);
    expect(services.migrate!.command).toEqual(['migrate']);
    expect(String(services.worker!.deploy?.replicas)).toBe('${AIQC_WORKERS:-2}');
    expect(services.migrate!.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const name of ['aiqc', 'worker']) expect(services[name]!.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    expect(services.caddy!.ports).toContain('443:443');
    expect(services.aiqc!.ports).toBeUndefined(); // only the proxy is published
  });

  it('takes secrets from env files and secret files, never inline', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'caddy') continue;
      expect(service.env_file, name).toHaveLength(1);
      for (const key of Object.keys(service.environment ?? {})) expect(key, `${name}.environment`).not.toMatch(/KEY|SECRET|PASSWORD|DATABASE_URL|NOTIFY_URL/);
    }
    expect(services.aiqc!.environment?.BOX_JWT_CONFIG_PATH).toBe('/run/secrets/box_config');
    expect(services.aiqc!.secrets).toEqual(['box_config']);
    expect(services.aiqc!.volumes).toContain('aiqc-data:/var/lib/aiqc/data');
  });
});

describe('deploy/Dockerfile', () => {
  it('is multi-stage, installs the packed tarball, ffmpeg and fonts from Debian, runs as a non-root user with a health check', async () => {
    const text = await read('Dockerfile');
    expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/npm pack/);
    expect(text).toMatch(/apt-get install[^\n]*ffmpeg[^\n]*fonts-dejavu/);
    const user = /^USER (\S+)/m.exec(text)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(text).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(text).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "aiqc"\]/m);
  });
});

describe('deploy/systemd', () => {
  it('serve and worker units read an EnvironmentFile, run as aiqc and are hardened; timers have services', async () => {
    const files = await readdir(join(DEPLOY, 'systemd'));
    expect(files).toEqual(expect.arrayContaining(['aiqc.service', 'aiqc-worker@.service', 'aiqc-prune.service', 'aiqc-prune.timer']));
    for (const file of files.filter((f) => f.endsWith('.service'))) {
      const unit = await read(join('systemd', file));
      expect(unit, file).toMatch(/^EnvironmentFile=\/etc\/aiqc\/aiqc\.env$/m);
      expect(unit, file).toMatch(/^User=aiqc$/m);
      for (const option of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'CapabilityBoundingSet=']) {
        expect(unit, `${file}: ${option}`).toMatch(new RegExp(`^${option}$`, 'm'));
      }
    }
    for (const timer of files.filter((f) => f.endsWith('.timer'))) expect(files).toContain(timer.replace(/\.timer$/, '.service'));
    expect(await read('systemd/aiqc.service')).toMatch(/^ExecStart=\/opt\/aiqc\/bin\/aiqc serve$/m);
    expect(await read('systemd/aiqc-worker@.service')).toMatch(/^ExecStart=\/opt\/aiqc\/bin\/aiqc worker$/m);
    expect(await read('systemd/aiqc-prune.service')).toMatch(/aiqc prune --older-than 90d/);
  });
});

describe('deploy/alerts.yml', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('names only metrics aiqc exports, and covers silent folders, dead jobs, queue age and 401s', async () => {
    const doc = parse(await read('alerts.yml')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['AiqcBoxFolderSilent', 'AiqcBoxWebhookDeleted', 'AiqcJobsDied', 'AiqcQueueBacklog', 'AiqcWebhook401Spike']),
    );
    const metrics = createServerMetrics({ db: t.db, queue: new JobQueue({ db: t.db, definitions: [] }), logger: pino({ level: 'silent' }) });
    const exported = new Set<string>();
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      exported.add(m.name);
      if (String(m.type) === 'histogram') for (const suffix of ['_count', '_sum', '_bucket']) exported.add(`${m.name}${suffix}`);
    }
    const named = new Set(rules.flatMap((r) => r.expr.match(/\baiqc_[a-z_]+/g) ?? []));
    expect(named.size).toBeGreaterThan(4);
    for (const name of named) expect(exported, `${name} in deploy/alerts.yml`).toContain(name);
  });
});

describe('the npm package', () => {
  it('ships dist (with both bins), profiles, schemas and deploy/, and no sources or tests', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string };
    for (const bin of Object.values(pkg.bin)) expect(files).toContain(bin);
    expect(files).toEqual(expect.arrayContaining(['profiles/static_general.yaml', 'schemas/profile.schema.json', 'deploy/Dockerfile', 'deploy/systemd/aiqc.service', 'deploy/alerts.yml']));
    expect(files.filter((f) => /^(src|test|bench|\.tools|node_modules|data)\//.test(f))).toEqual([]);

    const version = await promisify(execFile)(process.execPath, [join(ROOT, pkg.bin.aiqc!), '--version']);
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});
