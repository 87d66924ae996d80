/**
 * JSON Schemas for editors (profile YAML, clients.yaml) and for consumers of the report,
 * generated from the same zod schemas that validate at run time, so they cannot drift.
 */
import { z } from 'zod';
import type { CheckCatalogue } from '../qc/catalogue.js';
import { reportSchema } from '../report/schema.js';
import { clientsFileSchema } from './clients.js';
import { profileCheckSchema, profileFileSchema } from './profiles.js';

type JsonSchema = Record<string, unknown>;

const toJson = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;

export function buildJsonSchemas(catalogue: CheckCatalogue): Record<'profile' | 'clients' | 'report', JsonSchema> {
  const profile = toJson(profileFileSchema);
  // One branch per check id, so an editor completes each check's own params.
  const generic = toJson(profileCheckSchema);
  const perCheck = catalogue.list().map((def) => {
    const params = toJson(def.params as z.ZodType);
    delete params.$schema;
    return {
      type: 'object',
      description: `${def.name}: ${def.description}`,
      properties: { ...(generic.properties as JsonSchema), id: { const: def.id }, params },
      required: ['id'],
      additionalProperties: false,
    };
  });
  const props = profile.properties as Record<string, JsonSchema>;
  props.checks = { type: 'array', items: { anyOf: perCheck } };
  return {
    profile: { ...profile, $id: 'https://aiqc.dev/schemas/profile.schema.json' },
    clients: { ...toJson(clientsFileSchema), $id: 'https://aiqc.dev/schemas/clients.schema.json' },
    report: { ...toJson(reportSchema), $id: 'https://aiqc.dev/schemas/report.schema.json' },
  };
}
