/**
 * Runs every `@example` in src/eval's TSDoc, so the documentation cannot drift from the code.
 * A line `expression; // => expected` also asserts that the expression equals `expected`
 * (numbers to 12 digits, typed arrays compared as arrays); a trailing "(note)" after the expected
 * value is ignored.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as data from '../../src/data';
import * as evaluation from '../../src/eval';
import { metricsWithScale } from '../../src/eval/metrics';
import * as validate from '../../src/validate';

const SRC = join(__dirname, '../../src/eval');
// Examples build their series and panels with the data layer, which eval sits on.
const SCOPE: Record<string, unknown> = { ...data, ...evaluation, ...validate, metricsWithScale };

interface Example {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

function extractExamples(): Example[] {
  const examples: Example[] = [];
  for (const file of readdirSync(SRC).filter((f) => f.endsWith('.ts'))) {
    const lines = readFileSync(join(SRC, file), 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (!/^\s*\*\s*@example\b/.test(text)) return;
      const body: string[] = [];
      for (let j = i + 1; j < lines.length; j++) {
        if (/^\s*\*\//.test(lines[j]) || /^\s*\*\s*@\w+/.test(lines[j])) break;
        body.push(lines[j].replace(/^\s*\* ?/, ''));
      }
      examples.push({ file, line: i + 1, code: body.join('\n') });
    });
  }
  return examples;
}

function isExpression(source: string): boolean {
  try {
    new Function(`return (${source});`);
    return true;
  } catch {
    return false;
  }
}

/** Rewrites `expr; // => expected (note)` into a checked call. */
function instrument(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const match = /^(.*?);\s*\/\/ => (.*)$/.exec(line);
      if (!match) return line;
      let expected = match[2].trim();
      if (!isExpression(expected)) expected = expected.replace(/\s+\([^()]*\)$/, '');
      return `__check(${match[1]}, (${expected}), ${JSON.stringify(line.trim())});`;
    })
    .join('\n');
}

function normalise(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as Float64Array);
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

function check(actual: unknown, expected: unknown, where: string): void {
  const a = normalise(actual);
  const e = normalise(expected);
  if (typeof e === 'number') {
    expect(a, where).toBeTypeOf('number');
    expect(a as number, where).toBeCloseTo(e, 12);
  } else if (Array.isArray(e) || (e !== null && typeof e === 'object')) {
    // Compare leaves with the same numeric tolerance.
    expect(JSON.stringify(Object.keys(a as object).sort()), where).toBe(JSON.stringify(Object.keys(e).sort()));
    for (const key of Object.keys(e)) {
      check((a as Record<string, unknown>)[key], (e as Record<string, unknown>)[key], `${where} [${key}]`);
    }
  } else {
    expect(a, where).toEqual(e);
  }
}

const examples = extractExamples();

describe('TSDoc examples in src/eval', () => {
  it('finds an example for every documented export', () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
    // Each exported function has one.
    for (const file of readdirSync(SRC).filter((f) => f.endsWith('.ts') && f !== 'index.ts')) {
      const text = readFileSync(join(SRC, file), 'utf8');
      const functions = [...text.matchAll(/^export (?:async )?function (\w+)/gm)].map((m) => m[1]);
      const documented = text.split(/^export (?:async )?function /m).slice(0, -1);
      functions.forEach((name, i) => expect(documented[i], `${file}: ${name}`).toMatch(/@example/));
    }
  });

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s runs', async (_where, example) => {
    let checks = 0;
    const scope = {
      ...SCOPE,
      __check: (actual: unknown, expected: unknown, where: string) => {
        checks++;
        check(actual, expected, `${example.file}:${example.line}: ${where}`);
      },
    };
    const wrapped = `async function __example() {\n${instrument(example.code)}\n}`;
    const js = ts.transpileModule(wrapped, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
    }).outputText;
    const run = new Function(...Object.keys(scope), `${js}\nreturn __example();`);
    await run(...Object.values(scope));
    if (/\/\/ => /.test(example.code)) expect(checks, 'checked lines').toBeGreaterThan(0);
  });
});
