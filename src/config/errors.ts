/** Configuration errors: each names the file, the path inside it and the fix. */
import type { z } from 'zod';
import { AiqcError } from '../qc/errors.js';

export interface ConfigProblem {
  /** Dotted path inside the file, e.g. `checks[2].params.allowed`; empty for the whole file. */
  path: string;
  message: string;
  fix: string;
}

export class ConfigError extends AiqcError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super('config_invalid', formatProblems(file, problems), { fix: problems.map((p) => p.fix).join('; ') });
  }
}

export function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  return problems
    .map((p) => `${file}${p.path ? ` at ${p.path}` : ''}: ${p.message}\n  fix: ${p.fix}`)
    .join('\n');
}

export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Turn zod issues into problems a person can act on. */
export function problemsFromZod(error: z.ZodError, prefix = ''): ConfigProblem[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path, prefix);
    return { path, message: issue.message, fix: fixFor(issue) };
  });
}

function fixFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `remove ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling against the JSON Schema in schemas/)`;
    case 'invalid_value':
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      return issue.input === undefined ? `add the required key (expected ${issue.expected})` : `give a value of type ${issue.expected}`;
    case 'too_small':
      return `give at least ${String(issue.minimum)}${issue.origin === 'array' ? ' item(s)' : ''}`;
    case 'too_big':
      return `give at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return `match the expected format (${issue.format}${issue.format === 'regex' && 'pattern' in issue ? ` ${String(issue.pattern)}` : ''})`;
    default:
      return 'correct the value as the message says';
  }
}
