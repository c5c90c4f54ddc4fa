// The rule `local/no-import-cycle`: no module of the project may reach itself through its
// imports. Unlike eslint-plugin-import's no-cycle it counts every kind of import: `import
// type`, `import { type X }`, `export … from`, `import()` and `import('…').T`, because a
// cycle of types is still a tangle of vocabulary that belongs in a leaf module.
//
// Only relative specifiers are followed (packages cannot import the project back). The
// file being linted is read from its AST, every other file from disk with TypeScript's
// scanner, once per version of the file (its mtime and size) while ESLint runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** What `./x` may name: that very file, the file with an extension, or the folder's index. */
const CANDIDATES = ['', '.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

/** @type {Map<string, { stamp: string, imports: string[] }>} a file's resolved imports */
const graph = new Map();

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The file a relative specifier names, or null for a package or a file that is not there. */
function resolveSpecifier(fromFile, specifier) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') {
    return null;
  }
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const ending of CANDIDATES) if (isFile(base + ending)) return base + ending;
  // `./x.js` written for Node's ESM resolution names ./x.ts in the sources.
  const asTs = base.replace(/\.(m|c)?js$/, '.$1ts');
  return asTs !== base && isFile(asTs) ? asTs : null;
}

/** The files `file` imports, from disk; [] when it cannot be read. */
function importsOf(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return [];
  }
  const stamp = `${stat.mtimeMs}:${stat.size}`;
  const known = graph.get(file);
  if (known?.stamp === stamp) return known.imports;
  const text = fs.readFileSync(file, 'utf8');
  const imports = ts
    .preProcessFile(text, true, true)
    .importedFiles.map((ref) => resolveSpecifier(file, ref.fileName))
    .filter((target) => target !== null);
  graph.set(file, { stamp, imports: [...new Set(imports)] });
  return graph.get(file).imports;
}

/** The shortest chain of imports from `start` to `home`, both included, or null when there is none. */
function pathBack(start, home) {
  const cameFrom = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of importsOf(file)) {
      if (next === home) {
        const chain = [home];
        for (let at = file; at !== null; at = cameFrom.get(at)) chain.unshift(at);
        return chain;
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return null;
}

/** The string literal an import node names, or null when it is computed. */
function specifierOf(node) {
  const source = node.type === 'TSImportType' ? (node.argument?.literal ?? node.argument) : node.source;
  return source?.type === 'Literal' && typeof source.value === 'string' ? source.value : null;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles among the project’s modules, type-only imports included.' },
    schema: [],
    messages: { cycle: 'Import cycle: {{cycle}}. Move what they share to a module that imports none of them.' },
  },
  create(context) {
    const home = context.filename;
    if (!path.isAbsolute(home)) return {};
    const shown = (file) => path.relative(context.cwd, file);
    const check = (node) => {
      const specifier = specifierOf(node);
      const target = specifier === null ? null : resolveSpecifier(home, specifier);
      if (target === null) return;
      const chain = target === home ? [home] : pathBack(target, home);
      if (chain === null) return;
      const cycle = [home, ...chain];
      context.report({ node, messageId: 'cycle', data: { cycle: cycle.map(shown).join(' → ') } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
      TSImportType: check,
    };
  },
};

export default { meta: { name: 'local' }, rules: { 'no-import-cycle': rule } };
