/**
 * A tagged template for server-rendered pages: every interpolated value is escaped unless it is
 * already `Html` (the output of another `html` template), so page code cannot forget to escape.
 */
import { escapeHtml } from '../report/escape.js';

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

function escapeValue(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(escapeValue).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += escapeValue(value) + strings[i + 1]!;
  });
  return new Html(out);
}
