import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchSummaryCsv, expandGrid, outputNameFor, parseGridOption, readGridFile, runBatch, type BatchRow } from '../../src/notebook/batch';
import { runNotebookCli } from '../../src/notebook/cli';
import { fixture, PROJECT_ROOT, readJson, tempDir } from './helpers';

describe('grid parsing', () => {
  it('parses --grid axes with -p typing and expands the product, first axis slowest', () => {
    expect(parseGridOption('epochs=1,5')).toEqual({ name: 'epochs', values: [1, 5] });
    expect(parseGridOption('mode=a,true,null')).toEqual({ name: 'mode', values: ['a', true, null] });
    expect(() => parseGridOption('=1')).toThrow('--grid must look like NAME=V1,V2,..., got "=1"');
    expect(expandGrid([parseGridOption('epochs=1,5'), parseGridOption('lookback=12,24')])).toEqual([
      { epochs: 1, lookback: 12 }, { epochs: 1, lookback: 24 }, { epochs: 5, lookback: 12 }, { epochs: 5, lookback: 24 },
    ]);
    expect(expandGrid([])).toEqual([{}]);
  });

  it('reads grid files as a list of runs or a mapping of axes', () => {
    const dir = tempDir('grid-test-');
    const list = path.join(dir, 'list.yaml');
    fs.writeFileSync(list, '- {epochs: 1, name: a}\n- {epochs: 2}\n');
    expect(readGridFile(list)).toEqual([{ epochs: 1, name: 'a' }, { epochs: 2 }]);
    const axes = path.join(dir, 'axes.json');
    fs.writeFileSync(axes, '{"epochs": [1, 2], "lr": [0.1]}');
    expect(readGridFile(axes)).toEqual([{ epochs: 1, lr: 0.1 }, { epochs: 2, lr: 0.1 }]);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'epochs: 1\n');
    expect(() => readGridFile(bad)).toThrow(/must be a non-empty list of parameter mappings or a mapping of names to non-empty lists, got \{"epochs":1\}/);
  });

  it('names outputs after the input and parameters', () => {
    expect(outputNameFor('nb/train.ipynb', { epochs: 5, name: 'a b/c' })).toBe('train-epochs=5-name=a_b_c.ipynb');
    expect(outputNameFor('x.ipynb', {})).toBe('x.ipynb');
  });

  it('writes CSV with param.* and glue.* columns, quoting as RFC 4180', () => {
    const row = (over: Partial<BatchRow>): BatchRow => ({
      input: 'a.ipynb', output: 'o.ipynb', parameters: {}, status: 'completed', exit_code: 0, duration_s: 1.5, kernel_start_s: 1,
      cells_s: 0.25, error: null, glue: {}, ...over,
    });
    expect(batchSummaryCsv([
      row({ parameters: { epochs: 1 }, glue: { rmse: 0.5 } }),
      row({ status: 'failed', exit_code: 1, error: 'TypeError: a, "b"\nc', parameters: { list: [1, 2] } }),
    ])).toBe([
      'input,output,status,exit_code,duration_s,kernel_start_s,cells_s,error,param.epochs,param.list,glue.rmse',
      'a.ipynb,o.ipynb,completed,0,1.5,1,0.25,,1,,0.5',
      'a.ipynb,o.ipynb,failed,1,1.5,1,0.25,"TypeError: a, ""b""\nc",,"[1,2]",',
      '',
    ].join('\n'));
  });

  it('prefixes text cells that a spreadsheet would run as formulas with a quote; numbers stay numbers', () => {
    const row = (parameters: BatchRow['parameters']): BatchRow => ({
      input: 'a.ipynb', output: 'o.ipynb', parameters, status: 'completed', exit_code: 0, duration_s: 1, kernel_start_s: 1,
      cells_s: 0, error: null, glue: {},
    });
    const csv = batchSummaryCsv([
      row({ v: '=HYPERLINK("http://x","y")' }), row({ v: '+1' }), row({ v: '-cmd' }), row({ v: '@SUM(A1)' }), row({ v: '\tx' }),
      row({ v: -3 }), row({ v: 'plain=1' }),
    ]);
    const cells = csv.trimEnd().split('\n').slice(1).map((line) => line.slice('a.ipynb,o.ipynb,completed,0,1,1,0,,'.length));
    expect(cells).toEqual(['"\'=HYPERLINK(""http://x"",""y"")"', "'+1", "'-cmd", "'@SUM(A1)", "'\tx", '-3', 'plain=1']);
  });

  it('rejects a non-positive worker count', async () => {
    await expect(runBatch({ jobs: [], outputDir: '/tmp', workers: 0 })).rejects.toThrow('workers must be a positive integer, got 0');
  });
});

describe('batch run (CLI): notebooks x grid, 2 workers, summary with glued values', () => {
  it('runs every notebook for every grid point into its own output and summarises', async () => {
    const dir = tempDir('batch-test-');
    let stdout = '';
    let stderr = '';
    const code = await runNotebookCli(
      ['--output-dir', dir, '--grid', 'epochs=1,2', '--workers', '2', '--cwd', PROJECT_ROOT, fixture('glue.ipynb'), fixture('failing.ipynb')],
      { io: { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } } },
    );
    expect(code).toBe(1);
    expect(stdout).toBe(`2/4 runs completed; summary: ${path.join(dir, 'summary.json')}, ${path.join(dir, 'summary.csv')}\n`);
    expect(stderr.match(/^\[(completed|failed)\] /gm)?.sort()).toEqual(['[completed] ', '[completed] ', '[failed] ', '[failed] ']);
    const rows = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as BatchRow[];
    expect(rows.map((r) => [path.basename(r.output), r.status, r.exit_code, r.glue])).toEqual([
      ['glue-epochs=1.ipynb', 'completed', 0, { epochs_seen: 1, rmse: 0.5, label: 'run-1' }],
      ['glue-epochs=2.ipynb', 'completed', 0, { epochs_seen: 2, rmse: 0.25, label: 'run-2' }],
      ['failing-epochs=1.ipynb', 'failed', 1, {}],
      ['failing-epochs=2.ipynb', 'failed', 1, {}],
    ]);
    expect(rows[2].error).toBe('TypeError: boom: bad value');
    for (const r of rows) {
      expect(r.duration_s).toBeGreaterThan(r.kernel_start_s);
      expect(readJson(r.output).metadata.papermill).toMatchObject({ parameters: r.parameters });
    }
    const csv = fs.readFileSync(path.join(dir, 'summary.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('input,output,status,exit_code,duration_s,kernel_start_s,cells_s,error,param.epochs,glue.epochs_seen,glue.rmse,glue.label');
    expect(csv[1]).toMatch(/,completed,0,[\d.]+,[\d.]+,[\d.]+,,1,1,0\.5,run-1$/);
  });
});
