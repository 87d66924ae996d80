/** Read a YAML config file, keeping positions so errors can point at a line. */
import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type ConfigProblem } from './errors.js';

export interface LoadedYaml {
  file: string;
  data: unknown;
  /** "line 12" for a path inside the file, when it can be located. */
  where(path: ReadonlyArray<PropertyKey>): string | undefined;
}

export async function readYamlFile(file: string): Promise<LoadedYaml> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      {
        path: '',
        message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(err)})`,
        fix: code === 'ENOENT' ? 'create it, or point AIQC_CONFIG_DIR at the folder that holds your config' : 'check the file permissions',
      },
    ]);
  }
  return parseYamlText(file, text);
}

export function parseYamlText(file: string, text: string): LoadedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: ConfigProblem[] = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return {
        path: pos ? `line ${pos.line}, column ${pos.col}` : '',
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
        fix: 'fix the YAML syntax (indentation with spaces, quotes around values with ": " or "#")',
      };
    });
    throw new ConfigError(file, problems);
  }
  return { file, data: doc.toJS(), where: (path) => locate(doc, lineCounter, path) };
}

function locate(doc: Document, lc: LineCounter, path: ReadonlyArray<PropertyKey>): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return `line ${lc.linePos(node.range[0]).line}`;
  }
  return undefined;
}
