import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { findKernelSpec, kernelArgv, kernelSearchPath, listKernelSpecs, PROJECT_KERNELS_DIR } from '../../src/notebook/kernelspec';

const projectRoot = path.resolve(__dirname, '..', '..');

function kernelsDir(specs: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kernelspec-test-'));
  for (const [name, spec] of Object.entries(specs)) {
    fs.mkdirSync(path.join(dir, 'kernels', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'kernels', name, 'kernel.json'), typeof spec === 'string' ? spec : JSON.stringify(spec));
  }
  return dir;
}

describe('kernelspec discovery', () => {
  it('the committed kernelspec is relative to its folder and starts the project tslab through its launcher', () => {
    const spec = JSON.parse(fs.readFileSync(path.join(projectRoot, 'jupyter/kernels/tslab/kernel.json'), 'utf8'));
    expect(spec.argv).toEqual(['node', '{resource_dir}/launch.js', 'kernel', '--config-path', '{connection_file}']);
    expect(JSON.stringify(spec)).not.toContain(projectRoot);
    expect(PROJECT_KERNELS_DIR).toBe(path.join(projectRoot, 'jupyter', 'kernels'));
    const found = findKernelSpec('tslab', { env: {} });
    expect(found.resourceDir).toBe(path.join(projectRoot, 'jupyter', 'kernels', 'tslab'));
    expect(fs.existsSync(path.resolve(kernelArgv(found, '/tmp/c.json')[1]))).toBe(true);
  });

  it('searches the project, then JUPYTER_PATH, the user data dir and the system folders', () => {
    expect(kernelSearchPath({ env: { JUPYTER_PATH: `/a${path.delimiter}/b`, HOME: '/home/u' } })).toEqual([
      PROJECT_KERNELS_DIR, '/a/kernels', '/b/kernels', '/home/u/.local/share/jupyter/kernels',
      '/usr/local/share/jupyter/kernels', '/usr/share/jupyter/kernels',
    ]);
    expect(kernelSearchPath({ env: { JUPYTER_DATA_DIR: '/data', HOME: '/h' } })[1]).toBe('/data/kernels');
  });

  it('finds kernels on JUPYTER_PATH, the project one winning a name clash, case-insensitively', () => {
    const dir = kernelsDir({ other: { argv: ['x', '{connection_file}'], display_name: 'Other' }, tslab: { argv: ['shadowed'], display_name: 'T' } });
    const env = { JUPYTER_PATH: dir, HOME: '/nonexistent' };
    // No system folders: a machine with a system-wide Jupyter kernel must not change the result.
    const o = { env, systemDirs: [] };
    expect(findKernelSpec('OTHER', o).resourceDir).toBe(path.join(dir, 'kernels', 'other'));
    expect(findKernelSpec('tslab', o).resourceDir).toBe(path.join(PROJECT_KERNELS_DIR, 'tslab'));
    expect(listKernelSpecs(o).map((s) => s.name)).toEqual(['tslab', 'other']);
    expect(kernelArgv(findKernelSpec('other', o), '/c.json')).toEqual(['x', '/c.json']);
  });

  it('names the unknown kernel and the available ones; rejects a broken kernel.json', () => {
    expect(() => findKernelSpec('nope', { env: { HOME: '/nonexistent' }, systemDirs: [] })).toThrow(InputError);
    expect(() => findKernelSpec('nope', { env: { HOME: '/nonexistent' }, systemDirs: [] })).toThrow(/^No such kernel: "nope"\. Available kernels: tslab \(searched /);
    const dir = kernelsDir({ broken: '{"argv": [' });
    expect(() => listKernelSpecs({ env: { JUPYTER_PATH: dir }, systemDirs: [] })).toThrow(/kernels\/broken\/kernel\.json is not valid JSON/);
    const empty = kernelsDir({ empty: { argv: [], display_name: 'e' } });
    expect(() => listKernelSpecs({ env: { JUPYTER_PATH: empty }, systemDirs: [] })).toThrow('must have a non-empty "argv" array of strings');
  });
});
