import type { CheckDefinition } from '../qc/types.js';

/** Identity with inference: lets each check file declare its params once, as a zod schema. */
export function defineCheck<P>(def: CheckDefinition<P>): CheckDefinition<P> {
  return def;
}

export function list(items: readonly string[]): string {
  return items.join(', ');
}
