/**
 * Memoised analyses for one asset. Requests from every check are gathered first (`plan`),
 * then each analysis runs at most once, on first use, with all of them — this is how one
 * ffmpeg pass can serve loudness, black frames and silence together.
 */
import type { Analysis, AnalysisContext, AssetFile, QcEnvironment } from './types.js';

export class AnalysisStore {
  private readonly requests = new Map<string, unknown[]>();
  private readonly results = new Map<string, Promise<unknown>>();
  private readonly owners = new Map<string, Analysis<unknown, unknown>>();

  constructor(
    private readonly asset: AssetFile,
    private readonly env: QcEnvironment,
    private readonly signal: AbortSignal,
  ) {}

  /** Record a request; must happen before the analysis is first computed. */
  plan(analysis: Analysis<unknown, unknown>, request: unknown): void {
    this.claim(analysis);
    if (this.results.has(analysis.id)) {
      throw new Error(`analysis ${analysis.id} was requested after it had already run; declare it in the check's requires()`);
    }
    const list = this.requests.get(analysis.id) ?? [];
    list.push(request);
    this.requests.set(analysis.id, list);
  }

  get<T, R>(analysis: Analysis<T, R>): Promise<T> {
    this.claim(analysis as Analysis<unknown, unknown>);
    let pending = this.results.get(analysis.id) as Promise<T> | undefined;
    if (!pending) {
      const ctx: AnalysisContext = {
        asset: this.asset,
        env: this.env,
        signal: this.signal,
        get: (other) => this.get(other),
      };
      pending = analysis.compute(ctx, (this.requests.get(analysis.id) ?? []) as R[]);
      // Keep the rejection for every later caller, but do not let an unobserved one crash
      // the process: each check that awaits it reports it.
      pending.catch(() => undefined);
      this.results.set(analysis.id, pending);
    }
    return pending;
  }

  /** Two different analyses with one id would silently share results: refuse that. */
  private claim(analysis: Analysis<unknown, unknown>): void {
    const known = this.owners.get(analysis.id);
    if (known && known !== analysis) throw new Error(`two different analyses share the id ${analysis.id}`);
    this.owners.set(analysis.id, analysis);
  }
}
