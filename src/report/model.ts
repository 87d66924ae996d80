/**
 * What a reader needs first, derived from the report JSON alone (DESIGN §11): the verdict, the
 * score (none for `error`), "to fix before delivery" — each failing check as one sentence with
 * its fix —, for an unreadable file the cause and what to do in plain words (the exception text
 * stays in the JSON for engineers), and skipped checks folded into one line. Pure; every
 * rendition (HTML, and the PDF printed from it) reads this.
 */
import type { CheckRow } from './evidence.js';
import type { QcReport } from './schema.js';

export const STATUS_LABEL: Record<CheckRow['status'], string> = { pass: 'Pass', warn: 'Warning', fail: 'Fail', skipped: 'Not run', error: 'Could not run' };
export const VERDICT_LABEL: Record<QcReport['verdict'], string> = { pass: 'PASS', warn: 'PASS WITH WARNINGS', fail: 'FAIL', error: 'COULD NOT CHECK' };
export const VERDICT_LINE: Record<QcReport['verdict'], string> = {
  pass: 'Ready to deliver: every check passed.',
  warn: 'Can be delivered; the warnings below are worth a look.',
  fail: 'Not ready to deliver: fix the items below and upload it again.',
  error: 'The file could not be checked.',
};
const STATUS_ORDER: Record<CheckRow['status'], number> = { error: 0, fail: 1, warn: 2, pass: 3, skipped: 4 };

export interface FixItem {
  name: string;
  sentence: string;
  status: CheckRow['status'];
}

export interface ReportModel {
  verdict: QcReport['verdict'];
  /** Absent for `error`: a file that could not be read has no score worth showing. */
  score?: number;
  toFix: FixItem[];
  worthALook: FixItem[];
  unreadable?: { cause: string; whatToDo: string };
  /** "9 checks not run: the file could not be read (file format, size, …)". */
  skippedLine?: string;
  /** Checks with something to say (error, fail, warn), worst first. */
  findings: CheckRow[];
  passed: CheckRow[];
}

const capitalise = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
const endSentence = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

/** Verbs a fix starts with in the engine's messages ("re-export …", "export it again"). */
const FIX_START = /^(re-?export|export|upload|save|deliver|convert|open|check|remove|ask|send|install|set|use|resize|crop|place|embed|replace|try)\b/i;

/**
 * The engine's refusal ("name: cause (library text): fix") in plain words: the file-name prefix
 * and parenthesised library text dropped, the cause being the first clause and the fix the last
 * one when it reads as an instruction.
 */
export function plainUnreadable(message: string, assetName: string): { cause: string; whatToDo: string } {
  let text = message.startsWith(`${assetName}: `) ? message.slice(assetName.length + 2) : message;
  text = text.replace(/\s*\([^()]*\)/g, '').replace(/\s+/g, ' ').trim();
  const clauses = text.split(/:\s+|;\s+|\s+—\s+/).filter(Boolean);
  const last = clauses.at(-1) ?? '';
  const hasFix = clauses.length > 1 && FIX_START.test(last);
  const cause = capitalise(clauses[0] ?? 'The file could not be read');
  const whatToDo = hasFix
    ? capitalise(last)
    : 'Export the file again from the application that made it and upload it again; if that does not help, send this report to whoever runs aiqc';
  return { cause: endSentence(cause), whatToDo: endSentence(whatToDo) };
}

function fixSentence(c: CheckRow): FixItem {
  return { name: c.name, sentence: endSentence(capitalise(c.message)), status: c.status };
}

function skippedLine(skipped: readonly CheckRow[], unreadable: boolean): string | undefined {
  if (skipped.length === 0) return undefined;
  const names = skipped.map((c) => c.name);
  const shown = names.slice(0, 6).join(', ') + (names.length > 6 ? ` +${names.length - 6} more` : '');
  if (unreadable) return `${skipped.length} ${skipped.length === 1 ? 'check was' : 'checks were'} not run because the file could not be read (${shown}).`;
  // Each skipped check says why ("not run: no audio stream"); one reason for all reads as one line.
  const reasons = [...new Set(skipped.map((c) => c.message.replace(/^not run:\s*/i, '')))];
  const why = reasons.length === 1 ? `: ${reasons[0]}` : '';
  return `${skipped.length} ${skipped.length === 1 ? 'check' : 'checks'} not run${why} (${shown}).`;
}

export function buildReportModel(report: QcReport): ReportModel {
  const ordered = [...report.checks].map((c, i) => ({ c, i })).sort((a, b) => STATUS_ORDER[a.c.status] - STATUS_ORDER[b.c.status] || a.i - b.i).map(({ c }) => c);
  const unreadable = report.verdict === 'error';
  // For an unreadable file, file.readable's failure *is* the cause shown above: not a finding too.
  const findings = ordered.filter((c) => (c.status === 'fail' || c.status === 'error' || c.status === 'warn') && !(unreadable && c.id === 'file.readable'));
  const skipped = ordered.filter((c) => c.status === 'skipped');
  return {
    verdict: report.verdict,
    ...(unreadable ? {} : { score: report.score }),
    toFix: findings.filter((c) => c.status === 'fail' || c.status === 'error').map(fixSentence),
    worthALook: findings.filter((c) => c.status === 'warn').map(fixSentence),
    ...(unreadable ? { unreadable: plainUnreadable(report.error ?? report.checks.find((c) => c.id === 'file.readable')?.message ?? '', report.asset.name) } : {}),
    ...(skippedLine(skipped, unreadable) ? { skippedLine: skippedLine(skipped, unreadable)! } : {}),
    findings,
    passed: ordered.filter((c) => c.status === 'pass'),
  };
}
