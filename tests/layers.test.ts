import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '..', 'src');

/**
 * The layers of `src`, lowest first; a module may import only from its own layer or one below.
 * `(base)` is `errors.ts`, `version.ts`, `tf.ts` and `types/`; `(index)` is the package barrel;
 * `bin` holds the package's entry points, which sit above everything.
 */
const LAYERS = ['(base)', 'io', 'data', 'backend', 'kernels', 'model', 'eval', 'plot', 'report', 'notebook', 'display', 'job', 'queue', 'bin', '(index)'];

function layerOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel.length === 1) return rel[0] === 'index.ts' ? '(index)' : '(base)';
  return rel[0] === 'types' ? '(base)' : rel[0];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'assembly' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every relative import of a file (static, type-only, re-exports, require and import()), resolved to a source file. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName).filter((spec) => spec.startsWith('.')).flatMap((spec) => {
    const base = path.resolve(path.dirname(file), spec);
    const found = [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
    return found !== undefined && found.endsWith('.ts') ? [found] : [];
  });
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const rel = (file: string) => path.relative(SRC, file);

/** Strongly connected components with more than one file (Tarjan). */
function cycles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(rel(w));
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe('the layers of src', () => {
  it('names every folder of src in the layer list', () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'types').map((e) => e.name);
    expect(folders.filter((folder) => !LAYERS.includes(folder))).toEqual([]);
  });

  it('has no import from a layer above the importing module', () => {
    const upward = files.flatMap((file) => (graph.get(file) ?? [])
      .filter((target) => LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file)))
      .map((target) => `${rel(file)} (${layerOf(file)}) imports ${rel(target)} (${layerOf(target)})`));
    expect(upward).toEqual([]);
  });

  it('has no import cycle, of two modules or more', () => {
    expect(cycles()).toEqual([]);
  });

  it('finds the imports it checks (the scan itself works)', () => {
    const index = graph.get(path.join(SRC, 'index.ts'))!.map(rel);
    expect(index).toEqual(expect.arrayContaining(['errors.ts', 'data/index.ts', 'model/index.ts']));
    expect(layerOf(path.join(SRC, 'queue', 'worker.ts'))).toBe('queue');
  });
});
