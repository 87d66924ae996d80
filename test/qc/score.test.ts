import { describe, expect, it } from 'vitest';
import { scoreOf, statusForSeverity, verdictOf } from '../../src/qc/score.js';
import type { CheckResult, CheckStatus, Severity } from '../../src/qc/types.js';

const r = (status: CheckStatus, severity: Severity = 'error', weight?: number): CheckResult => ({
  id: 'x',
  name: 'x',
  severity,
  status,
  message: '',
  duration_ms: 0,
  ...(weight !== undefined ? { weight } : {}),
});

describe('score and verdict (DESIGN §3)', () => {
  it('weights error 3, warning 1, info 0 and credits pass 1, warn 0.5, fail/error 0', () => {
    // (3·1 + 3·0 + 1·0.5 + 0·0) / (3 + 3 + 1 + 0) = 3.5 / 7 = 50
    expect(scoreOf([r('pass'), r('fail'), r('warn', 'warning'), r('fail', 'info')])).toBe(50);
  });
  it('ignores skipped checks and honours an explicit weight', () => {
    expect(scoreOf([r('pass'), r('skipped'), r('fail', 'error', 1)])).toBe(75);
  });
  it('rounds to the nearest integer', () => {
    expect(scoreOf([r('pass'), r('pass'), r('fail')])).toBe(67);
  });
  it('an unreadable asset scores 0 with verdict error', () => {
    expect(scoreOf([r('pass')], false)).toBe(0);
    expect(verdictOf([r('pass')], false)).toBe('error');
  });
  it('verdict is fail on any fail or error, else warn on any warn, else pass', () => {
    expect(verdictOf([r('pass'), r('error')])).toBe('fail');
    expect(verdictOf([r('pass'), r('fail')])).toBe('fail');
    expect(verdictOf([r('pass'), r('warn', 'warning')])).toBe('warn');
    expect(verdictOf([r('pass'), r('skipped')])).toBe('pass');
  });
  it('a failing warning- or info-severity check reports warn', () => {
    expect(statusForSeverity('fail', 'warning')).toBe('warn');
    expect(statusForSeverity('fail', 'info')).toBe('warn');
    expect(statusForSeverity('fail', 'error')).toBe('fail');
    expect(statusForSeverity('error', 'warning')).toBe('error');
  });
});
