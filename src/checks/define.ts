import type { z } from 'zod';
import type { CheckDefinition } from '../qc/types.js';

/** A check as its file declares it: `params` may be a function that builds the schema. */
export type CheckDeclaration<P> = Omit<CheckDefinition<P>, 'params'> & { params: z.ZodType<P> | (() => z.ZodType<P>) };

/**
 * Lets each check file declare its params once, as a zod schema. Given a function, the schema
 * is built the first time `params` is read (a profile that uses the check, `aiqc profiles
 * checks`, the JSON Schemas), so importing ~50 checks builds none: a run pays for the schemas
 * of the checks its profile names.
 */
export function defineCheck<P>(decl: CheckDeclaration<P>): CheckDefinition<P> {
  const { params, ...rest } = decl;
  if (typeof params !== 'function') return { ...rest, params };
  let built: z.ZodType<P> | undefined;
  return Object.defineProperty({ ...rest } as CheckDefinition<P>, 'params', {
    enumerable: true,
    get: () => (built ??= params()),
  });
}

export function list(items: readonly string[]): string {
  return items.join(', ');
}
