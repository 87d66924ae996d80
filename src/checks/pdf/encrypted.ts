import { z } from 'zod';
import { pdfProbe } from '../../analysis/pdf/index.js';
import { defineCheck } from '../define.js';

export const pdfEncrypted = defineCheck({
  id: 'pdf.encrypted',
  name: 'Not encrypted',
  description:
    'The PDF carries no encryption (permissions passwords stop prepress tools from editing or imposing it). With `allowed: true` an encrypted PDF passes as long as printing is permitted. A PDF that needs a password to open is unreadable and fails file.readable instead.',
  appliesTo: ['pdf'],
  params: () => z.strictObject({ allowed: z.boolean().default(false).meta({ description: 'true: encryption is acceptable if printing is permitted' }) }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    const enc = details.encryption;
    const expected = { allowed: params.allowed };
    if (!enc) return { status: 'pass', message: 'not encrypted', measured: { encrypted: false }, expected };
    const measured = { encrypted: true, filter: enc.filter, ...(enc.key_bits ? { key_bits: enc.key_bits } : {}), permissions: enc.permissions };
    const denied = Object.entries(enc.permissions)
      .filter(([, ok]) => !ok)
      .map(([what]) => what.replace(/_/g, ' '));
    const how = `encrypted (${enc.filter}${enc.key_bits ? `, ${enc.key_bits}-bit` : ''}${denied.length > 0 ? `; not permitted: ${denied.join(', ')}` : ''})`;
    if (!params.allowed) {
      return { status: 'fail', message: `${how}: export without security settings (in Acrobat: File › Properties › Security › No Security)`, measured, expected };
    }
    if (!enc.permissions.print) return { status: 'fail', message: `${how}: printing is not permitted, so it cannot be printed; export it without security settings`, measured, expected };
    return { status: 'pass', message: `${how}; allowed because printing is permitted`, measured, expected };
  },
});
