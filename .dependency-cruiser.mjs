// The layer rules of src/ (ARCHITECTURE.md "Layers"), checked by `npm run deps:check` inside
// `npm test`. Layers, top to bottom; a folder may import its own layer and those below it:
//
//   cli, demo, box-emulator         entry points (bins)
//   pipeline, server                the Box job, the HTTP service
//   app                             composition root: settings + families + checks → QcRuntime
//   jobs, db, box                   queue, storage, Box client
//   analysis, checks, config, report, samples    families, profiles, report schema
//   qc                              the engine and its vocabulary (knows no family)
const ENTRY = ['cli', 'demo', 'box-emulator'];
const APP = ['app'];
const SERVICES = ['pipeline', 'server'];
const INFRA = ['jobs', 'db', 'box'];
const FAMILIES = ['analysis', 'checks', 'config', 'report', 'samples'];
const ENGINE = ['qc'];

const folders = (names) => `^src/(${names.join('|')})/`;

/** No import from `layer` into any folder named in `above`. */
const upward = (name, layer, above) => ({
  name,
  severity: 'error',
  comment: `${layer.join(', ')} must not import ${above.join(', ')} (a lower layer never imports a higher one)`,
  from: { path: folders(layer) },
  to: { path: folders(above) },
});

export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'import loops make the load order fragile and the layers meaningless',
      from: {},
      to: { circular: true },
    },
    {
      ...upward('engine-knows-no-family', ENGINE, [...FAMILIES, ...INFRA, ...SERVICES, ...APP, ...ENTRY]),
      // The report's zod schema is the engine's output contract (it imports nothing of ours).
      to: { path: folders([...FAMILIES, ...INFRA, ...SERVICES, ...APP, ...ENTRY]), pathNot: '^src/report/schema\\.ts$' },
    },
    {
      name: 'report-schema-is-a-leaf',
      severity: 'error',
      comment: 'the report schema is shared by the engine and every edge; it imports nothing of ours',
      from: { path: '^src/report/schema\\.ts$' },
      to: { path: '^src/' },
    },
    upward('families-below-the-edges', FAMILIES, [...INFRA, ...SERVICES, ...APP, ...ENTRY]),
    upward('infra-below-app', INFRA, [...APP, ...SERVICES, ...ENTRY]),
    upward('app-below-services', APP, [...INFRA, ...SERVICES, ...ENTRY]),
    upward('services-below-entry-points', SERVICES, ENTRY),
    {
      name: 'no-box-emulator-in-product',
      severity: 'error',
      comment: 'the Box emulator is a test and demo stand-in; the product never imports it',
      from: { path: '^src/', pathNot: '^src/(box-emulator|demo)/' },
      to: { path: '^src/box-emulator/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: {
      dot: { collapsePattern: '^src/[^/]+/' },
      archi: { collapsePattern: '^src/[^/]+/' },
    },
  },
};
