// How aiqc reaches Box, read once from the environment and validated with every problem
// reported together. JWT (the Box app's JSON config) wins when BOX_JWT_CONFIG_PATH is set;
// otherwise Client Credentials Grant from BOX_CLIENT_ID / BOX_CLIENT_SECRET plus
// BOX_ENTERPRISE_ID (service account) or BOX_USER_ID.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BoxConfigError } from './config-error.js';

export interface BoxBaseUrls {
  baseUrl: string;
  uploadUrl: string;
  oauth2Url: string;
}

export const BOX_PRODUCTION_URLS: BoxBaseUrls = {
  baseUrl: 'https://api.box.com',
  uploadUrl: 'https://upload.box.com/api',
  oauth2Url: 'https://account.box.com/api/oauth2',
};

export type BoxAuthSettings =
  | { kind: 'jwt'; configPath: string }
  | { kind: 'ccg'; clientId: string; clientSecret: string; enterpriseId?: string; userId?: string };

export interface BoxSettings {
  auth: BoxAuthSettings;
  baseUrls: BoxBaseUrls;
}

const url = z.url({ protocol: /^https?$/ });

/** A BOX_*_BASE_URL variable that is not an http(s) URL, with Box's own URL as the example. */
export interface BadBaseUrl {
  name: 'BOX_API_BASE_URL' | 'BOX_UPLOAD_BASE_URL' | 'BOX_OAUTH2_BASE_URL';
  value: string;
  example: string;
}

/**
 * Box's API, upload and OAuth2 base URLs: Box's own unless BOX_API_BASE_URL,
 * BOX_UPLOAD_BASE_URL or BOX_OAUTH2_BASE_URL say otherwise (the emulator). Shared by the
 * service account's settings and Box connect's, which report `bad` each in their own words.
 */
export function boxBaseUrlsFromEnv(env: Readonly<Record<string, string | undefined>>): { baseUrls: BoxBaseUrls; bad: BadBaseUrl[] } {
  const baseUrls = { ...BOX_PRODUCTION_URLS };
  const bad: BadBaseUrl[] = [];
  for (const [name, key] of [
    ['BOX_API_BASE_URL', 'baseUrl'],
    ['BOX_UPLOAD_BASE_URL', 'uploadUrl'],
    ['BOX_OAUTH2_BASE_URL', 'oauth2Url'],
  ] as const) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (url.safeParse(value).success) baseUrls[key] = value.replace(/\/+$/, '');
    else bad.push({ name, value, example: BOX_PRODUCTION_URLS[key] });
  }
  return { baseUrls, bad };
}

/** Parse BOX_* variables. Throws BoxConfigError naming each bad variable and its fix. */
export function boxSettingsFromEnv(env: Record<string, string | undefined>): BoxSettings {
  const { baseUrls, bad } = boxBaseUrlsFromEnv(env);
  const problems = bad.map((b) => `${b.name}=${b.value} is not an http(s) URL (e.g. ${b.example})`);
  let auth: BoxAuthSettings | undefined;
  const jwtPath = env['BOX_JWT_CONFIG_PATH']?.trim();
  if (jwtPath) {
    auth = { kind: 'jwt', configPath: jwtPath };
  } else {
    const clientId = env['BOX_CLIENT_ID']?.trim();
    const clientSecret = env['BOX_CLIENT_SECRET']?.trim();
    const enterpriseId = env['BOX_ENTERPRISE_ID']?.trim();
    const userId = env['BOX_USER_ID']?.trim();
    if (clientId || clientSecret) {
      if (!clientId) problems.push('BOX_CLIENT_ID is not set (the app\'s Client ID, Developer Console → Configuration)');
      if (!clientSecret) problems.push('BOX_CLIENT_SECRET is not set (the app\'s Client Secret, Developer Console → Configuration)');
      if (!enterpriseId && !userId) problems.push('BOX_ENTERPRISE_ID (or BOX_USER_ID) is not set: Client Credentials needs the subject to sign in as');
      if (clientId && clientSecret && (enterpriseId || userId)) {
        auth = { kind: 'ccg', clientId, clientSecret, ...(enterpriseId ? { enterpriseId } : { userId: userId ?? '' }) };
      }
    } else {
      problems.push(
        'No Box credentials: set BOX_JWT_CONFIG_PATH to the app\'s JSON config (Developer Console → Configuration → Generate a Public/Private Keypair), ' +
          'or BOX_CLIENT_ID, BOX_CLIENT_SECRET and BOX_ENTERPRISE_ID for Client Credentials',
      );
    }
  }
  if (problems.length > 0 || !auth) {
    throw new BoxConfigError(`Box is not configured:\n  - ${problems.join('\n  - ')}`, problems);
  }
  return { auth, baseUrls };
}

const jwtConfigSchema = z.object({
  boxAppSettings: z.object({
    clientID: z.string().min(1),
    clientSecret: z.string().min(1),
    appAuth: z.object({
      publicKeyID: z.string().min(1),
      privateKey: z.string().includes('PRIVATE KEY'),
      passphrase: z.string(),
    }),
  }),
  enterpriseID: z.string().min(1).optional(),
});

export type BoxJwtConfigJson = z.infer<typeof jwtConfigSchema>;

/** Read and check the app's JSON config; errors name the file, the JSON path and the fix. */
export function readJwtConfig(path: string): { text: string; config: BoxJwtConfigJson } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BoxConfigError(
      `BOX_JWT_CONFIG_PATH=${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): point it at the JSON config downloaded from the Box Developer Console`,
      [`cannot read ${path}`],
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BoxConfigError(`${path} is not JSON: download the app config again from the Box Developer Console`, [`${path}: not JSON`], { cause: err });
  }
  const parsed = jwtConfigSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${path}: ${issue.path.join('.') || '(root)'} ${issue.message}`);
    throw new BoxConfigError(
      `${path} is not a Box JWT app config:\n  - ${problems.join('\n  - ')}\n  Fix: download it from Developer Console → Configuration → App Settings → Download as JSON`,
      problems,
    );
  }
  if (!parsed.data.enterpriseID) {
    throw new BoxConfigError(`${path}: enterpriseID is missing; aiqc signs in as the app's service account and needs it`, [`${path}: enterpriseID missing`]);
  }
  return { text, config: parsed.data };
}
