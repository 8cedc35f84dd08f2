import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * The stages of src/, lowest first. A module may import its own folder and the stages below it;
 * folders on one step (jobs and discord, bench and demo) may not import each other. The pipeline
 * drives ingestion, so it sits above the stores and the classifier it calls.
 */
const STAGES: readonly (readonly string[])[] = [
  ['core'],
  ['feeds'],
  ['config'],
  ['store'],
  ['ops'],
  ['classify'],
  ['pipeline'],
  ['digest'],
  ['alerts'],
  ['delivery'],
  ['store-context.ts'],
  ['app-context.ts'],
  ['jobs', 'discord'],
  ['bench', 'demo'],
  ['cli'],
];

function stageOf(file: string): number {
  const top = path.relative(src, file).split(path.sep)[0] as string;
  return STAGES.findIndex((step) => step.includes(top));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** The files of src/ a module imports: static, type-only, re-exports and dynamic `import()` alike. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((entry) => entry.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts'));
}

const files = sourceFiles(src);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const name = (file: string) => path.relative(src, file).split(path.sep).join('/');

/** Files that import each other in a loop (Tarjan's strongly connected components of two or more). */
function cycles(edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  function visit(node: string): void {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.map(name).sort());
  }
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Imports that reach a higher stage, or a folder on the importer's own step. */
function upwardImports(edges: Map<string, string[]>): string[] {
  const folder = (file: string) => name(file).split('/')[0];
  return [...edges].flatMap(([file, targets]) =>
    targets.filter((target) => folder(target) !== folder(file) && stageOf(target) >= stageOf(file)).map((target) => `${name(file)} -> ${name(target)}`),
  );
}

describe('the layering of src/', () => {
  it('every folder of src/ has its place among the stages', () => {
    const unplaced = [...new Set(files.filter((file) => stageOf(file) < 0).map((file) => name(file).split('/')[0]))];
    expect(unplaced).toEqual([]);
  });

  it('no module imports from a higher stage, nor from a folder on its own step', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('no files import each other in a loop', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('sees a loop, an import up the stages and one between jobs and discord', () => {
    const at = (file: string) => path.join(src, file);
    const loop = new Map([
      [at('a.ts'), [at('b.ts')]],
      [at('b.ts'), [at('c.ts')]],
      [at('c.ts'), [at('a.ts')]],
      [at('d.ts'), [at('a.ts')]],
    ]);
    expect(cycles(loop)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    const imports = new Map([
      [at('store/outbox-store.ts'), [at('delivery/digest-runner.ts'), at('core/types.ts')]],
      [at('discord/commands/digest.ts'), [at('jobs/digest-job.ts'), at('delivery/digest-runner.ts')]],
    ]);
    expect(upwardImports(imports)).toEqual(['store/outbox-store.ts -> delivery/digest-runner.ts', 'discord/commands/digest.ts -> jobs/digest-job.ts']);
  });
});
