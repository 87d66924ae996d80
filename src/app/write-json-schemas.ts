/** `npm run schemas`: regenerate schemas/*.schema.json from the zod schemas. */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { builtinChecks } from '../checks/index.js';
import { CheckCatalogue } from '../qc/catalogue.js';
import { buildJsonSchemas } from '../config/json-schemas.js';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export function schemaFileText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const schemas = buildJsonSchemas(new CheckCatalogue(builtinChecks));
  await mkdir(SCHEMAS_DIR, { recursive: true });
  for (const [name, schema] of Object.entries(schemas)) {
    await writeFile(`${SCHEMAS_DIR}${name}.schema.json`, schemaFileText(schema));
    console.log(`wrote schemas/${name}.schema.json`);
  }
}
