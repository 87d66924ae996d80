import { z } from 'zod';
import { imageProbe } from '../../analysis/image.js';
import { defineCheck } from '../define.js';

export const imageDpi = defineCheck({
  id: 'image.dpi',
  name: 'Resolution (ppi)',
  description: 'The resolution recorded in the file is at least `min` pixels per inch. A file that records none is treated as 72 ppi, as layout software does.',
  appliesTo: ['image'],
  params: () => z.strictObject({ min: z.number().positive().meta({ description: 'e.g. 300 for print' }) }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(imageProbe);
    const recorded = details.density_ppi;
    const ppi = recorded ?? 72;
    const measured = { ppi, recorded: recorded !== undefined };
    const expected = { min_ppi: params.min };
    if (ppi >= params.min) {
      const said = recorded === undefined ? 'no resolution is recorded (read as 72 ppi, as layout software does), which meets' : `${ppi} ppi meets`;
      return { status: 'pass', message: `${said} the ${params.min} ppi minimum`, measured, expected };
    }
    const printable = (details.width / params.min) * 25.4;
    return {
      status: 'fail',
      message:
        `${recorded === undefined ? `no resolution is recorded; ${params.min} ppi required` : `${ppi} ppi is under the ${params.min} ppi minimum`}: ` +
        `at ${params.min} ppi these ${details.width} px print ${printable.toFixed(0)} mm wide — supply a higher-resolution original or set the resolution in export`,
      measured,
      expected,
    };
  },
});
