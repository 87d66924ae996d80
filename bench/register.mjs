// Run TypeScript sources directly with Node's built-in type stripping (on by default from Node 22.18;
// add --experimental-strip-types on 22.15-22.17; module.registerHooks needs 22.15):
//   node --import ./bench/register.mjs bench/webhook-ack.ts
// The sources import each other with ".js" suffixes (what tsc emits); this hook maps such an
// import to the ".ts" file beside it when no ".js" file exists.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.endsWith('.js') && (specifier.startsWith('./') || specifier.startsWith('../')) && context.parentURL?.startsWith('file:')) {
      const target = new URL(specifier, context.parentURL);
      if (!existsSync(fileURLToPath(target))) {
        const tsTarget = new URL(`${target.href.slice(0, -3)}.ts`);
        if (existsSync(fileURLToPath(tsTarget))) return nextResolve(tsTarget.href, context);
      }
    }
    return nextResolve(specifier, context);
  },
});
