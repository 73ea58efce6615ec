/**
 * Runs every `@example` in the model files' TSDoc (the convention of tests/eval/examples.test.ts):
 * a line `expression; // => expected` also asserts that the expression equals `expected`
 * (numbers to 10 digits). Examples see the model barrel, `tf`, and fixtures named as in the docs:
 * `model` (lookback 24, 1 feature, horizon 6, 1 target), `trainSet`, `valSet`, `testSet`, and `dir`
 * (a directory holding a saved copy of `model`).
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as modelLayer from '../../src/model';
import { sineSet, useBackend } from './fixtures';

/** The files of the model core (forecaster/bundle/preprocess have their own tests). */
const FILES = ['config.ts', 'kernel.ts', 'init.ts', 'losses.ts', 'optimizer.ts', 'lstm.ts', 'train.ts', 'predict.ts', 'io.ts'];
const SRC = path.join(__dirname, '../../src/model');

interface Example {
  readonly where: string;
  readonly code: string;
}

function extractExamples(): Example[] {
  const examples: Example[] = [];
  for (const file of FILES) {
    const lines = readFileSync(path.join(SRC, file), 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (!/^\s*\*\s*@example\b/.test(text)) return;
      const body: string[] = [];
      for (let j = i + 1; j < lines.length && !/^\s*\*\/|^\s*\*\s*@\w+/.test(lines[j]); j++) {
        body.push(lines[j].replace(/^\s*\* ?/, ''));
      }
      examples.push({ where: `${file}:${i + 1}`, code: body.join('\n') });
    });
  }
  return examples;
}

function instrument(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const match = /^(.*?);\s*\/\/ => (.*)$/.exec(line);
      return match ? `__check(${match[1]}, (${match[2].trim()}), ${JSON.stringify(line.trim())});` : line;
    })
    .join('\n');
}

function check(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') expect(actual as number, where).toBeCloseTo(expected, 10);
  else expect(actual, where).toEqual(expected);
}

const examples = extractExamples();
const shape = { lookback: 24, numFeatures: 1, horizon: 6, numTargets: 1 };
const quiet = { ...console, log: () => undefined };
let fixtures: Record<string, unknown>;

describe('TSDoc examples in src/model', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    const model = modelLayer.buildLstmModel(modelLayer.resolveLstmConfig({ units: 8, learningRate: 0.01 }), shape);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'model-examples-'));
    await modelLayer.saveModelToDir(model, dir);
    fixtures = {
      model,
      dir,
      trainSet: sineSet(64, 24, 6, 0),
      valSet: sineSet(16, 24, 6, 70),
      testSet: sineSet(10, 24, 6, 90),
    };
  });
  afterAll(async () => {
    (fixtures.model as tf.LayersModel).dispose();
    await fs.rm(fixtures.dir as string, { recursive: true, force: true });
  });

  it('every exported function has an example', () => {
    for (const file of FILES) {
      const text = readFileSync(path.join(SRC, file), 'utf8');
      const names = [...text.matchAll(/^export (?:async )?function (\w+)/gm)].map((m) => m[1]);
      const docs = text.split(/^export (?:async )?function /m).slice(0, -1);
      names.forEach((name, i) => expect(docs[i].slice(docs[i].lastIndexOf('/**')), `${file}: ${name}`).toMatch(/@example/));
    }
    expect(examples.length).toBeGreaterThanOrEqual(18);
  });

  it.each(examples.map((e) => [e.where, e] as const))('%s runs', async (_where, example) => {
    let checks = 0;
    const scope: Record<string, unknown> = {
      ...modelLayer,
      ...fixtures,
      tf,
      console: quiet,
      __check: (actual: unknown, expected: unknown, line: string) => {
        checks++;
        check(actual, expected, `${example.where}: ${line}`);
      },
    };
    const js = ts.transpileModule(`async function __example() {\n${instrument(example.code)}\n}`, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
    }).outputText;
    await new Function(...Object.keys(scope), `${js}\nreturn __example();`)(...Object.values(scope));
    if (example.code.includes('// => ')) expect(checks).toBeGreaterThan(0);
  });
});
