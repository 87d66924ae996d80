/**
 * Box connect's settings from the environment. It is on when BOX_CONNECT_CLIENT_ID is set (the
 * Box app of type "User Authentication (OAuth 2.0)"): then BOX_CONNECT_CLIENT_SECRET and
 * AIQC_SECRET_KEY are required. Base URLs are Box's own unless BOX_API_BASE_URL,
 * BOX_UPLOAD_BASE_URL, BOX_OAUTH2_BASE_URL say otherwise (the emulator).
 */
import { boxBaseUrlsFromEnv } from '../box/settings.js';
import { BoxConnectError } from './errors.js';
import { parseSecretKeys } from './keys.js';
import type { BoxConnectConfig } from './service.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface BoxConnectProblem {
  path: string;
  message: string;
  fix: string;
}

/** Everything wrong with the Box connect variables, for the start-up error (no key material in it). */
export function boxConnectProblems(env: Env): BoxConnectProblem[] {
  const clientId = env['BOX_CONNECT_CLIENT_ID']?.trim();
  if (!clientId) return [];
  const problems: BoxConnectProblem[] = [];
  if (!env['BOX_CONNECT_CLIENT_SECRET']?.trim()) {
    problems.push({ path: 'BOX_CONNECT_CLIENT_SECRET', message: 'BOX_CONNECT_CLIENT_ID is set but not its secret', fix: "set BOX_CONNECT_CLIENT_SECRET to the OAuth app's Client Secret (Developer Console → Configuration)" });
  }
  try {
    parseSecretKeys(env['AIQC_SECRET_KEY']);
  } catch (error) {
    const e = error as BoxConnectError;
    problems.push({ path: 'AIQC_SECRET_KEY', message: `${e.message} Box connect (BOX_CONNECT_CLIENT_ID) stores users' Box tokens encrypted under it`, fix: e.fix ?? '' });
  }
  for (const b of boxBaseUrlsFromEnv(env).bad) {
    problems.push({ path: b.name, message: `${b.value} is not an http(s) URL`, fix: `set it like ${b.example}, or unset it for Box itself` });
  }
  const redirect = env['BOX_CONNECT_REDIRECT_URI']?.trim();
  if (redirect && !/^https?:\/\/[^\s]+\/auth\/box\/callback$/.test(redirect)) {
    problems.push({ path: 'BOX_CONNECT_REDIRECT_URI', message: `${redirect} is not this console's callback`, fix: 'set it to https://<host><AIQC_BASE_PATH>/auth/box/callback, the Redirect URI registered with the Box app' });
  }
  return problems;
}

/** The config, or undefined when Box connect is off; throws with every problem listed. */
export function boxConnectFromEnv(env: Env): BoxConnectConfig | undefined {
  const clientId = env['BOX_CONNECT_CLIENT_ID']?.trim();
  if (!clientId) return undefined;
  const problems = boxConnectProblems(env);
  if (problems.length > 0) {
    throw new BoxConnectError('box_connect_off', `Box connect is misconfigured:\n${problems.map((p) => `  - ${p.path}: ${p.message}\n    fix: ${p.fix}`).join('\n')}`, {
      fix: problems.map((p) => p.fix).join('; '),
      status: 503,
    });
  }
  const { baseUrls } = boxBaseUrlsFromEnv(env);
  const redirectUri = env['BOX_CONNECT_REDIRECT_URI']?.trim();
  return {
    clientId,
    clientSecret: env['BOX_CONNECT_CLIENT_SECRET']!.trim(),
    keys: parseSecretKeys(env['AIQC_SECRET_KEY']),
    baseUrls,
    ...(redirectUri ? { redirectUri } : {}),
  };
}
