/**
 * pino `redact` paths for every process logger: tokens and cookies never reach a log line even
 * if an object carrying them is logged by mistake (aiqc's own code never logs them).
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.tokens',
  'req.query.code',
  'req.query.state',
];

export const LOG_REDACT = { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' };
