/**
 * Report JSON, schema_version 1 (DESIGN §3). The zod schema is the single source: the TS
 * type, the published JSON Schema (schemas/report.schema.json) and the validation in tests
 * all come from here.
 */
import { z } from 'zod';

export const REPORT_SCHEMA_VERSION = 1 as const;

/** Pages with findings drawn in the report; the rest are listed as "+N more". */
export const PAGES_DRAWN = 6;

const evidenceSchema = z
  .object({
    label: z.string().optional(),
    start_s: z.number().optional(),
    end_s: z.number().optional(),
    page: z.number().int().optional(),
    box: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }).optional(),
    image: z.string().regex(/^data:image\//).optional(),
    image_before: z.string().regex(/^data:image\//).optional().meta({ description: 'A frame just before the segment (video), for context.' }),
    image_after: z.string().regex(/^data:image\//).optional().meta({ description: 'A frame just after the segment (video), for context.' }),
    series: z
      .object({
        x_label: z.string(),
        y_label: z.string(),
        points: z.array(z.tuple([z.number(), z.number()])),
        band: z.object({ min: z.number(), max: z.number() }).optional(),
      })
      .optional(),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ description: 'A time segment, a region, a still or a series that supports the result.' });

export const checkResultSchema = z.object({
  id: z.string().meta({ description: 'Public check id, e.g. audio.loudness' }),
  name: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  weight: z.number().min(0).optional(),
  status: z.enum(['pass', 'warn', 'fail', 'skipped', 'error']),
  message: z.string(),
  measured: z.record(z.string(), z.unknown()).optional(),
  expected: z.record(z.string(), z.unknown()).optional(),
  evidence: z.array(evidenceSchema).optional(),
  duration_ms: z.number().min(0),
});

export const reportSchema = z
  .object({
    schema_version: z.literal(REPORT_SCHEMA_VERSION),
    tool: z.object({ name: z.literal('aiqc'), version: z.string() }),
    session_id: z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/),
    asset: z.object({
      name: z.string(),
      size_bytes: z.number().int().min(0),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      kind: z.enum(['image', 'pdf', 'video', 'audio', 'unknown']),
      format: z.string(),
      info: z.record(z.string(), z.unknown()),
      thumbnail: z.string().regex(/^data:image\//).optional(),
      page_images: z
        .array(z.object({ page: z.number().int().min(1), image: z.string().regex(/^data:image\//) }))
        .max(PAGES_DRAWN)
        .optional()
        .meta({ description: 'Small renders of the first pages with findings (PDF), for marking them up; page 1 is the thumbnail and not repeated here.' }),
    }),
    profile: z.object({ id: z.string(), name: z.string() }),
    score: z.number().int().min(0).max(100),
    verdict: z.enum(['pass', 'warn', 'fail', 'error']),
    error: z.string().optional().meta({ description: 'Why the asset could not be read (verdict error).' }),
    started_at: z.iso.datetime(),
    duration_ms: z.number().min(0),
    checks: z.array(checkResultSchema),
  })
  .meta({ title: 'aiqc QC report', description: 'One asset checked against one profile.' });

export type QcReport = z.infer<typeof reportSchema>;
