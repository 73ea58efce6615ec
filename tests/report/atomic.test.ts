import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../../src/report/atomic';
import { InputError } from '../../src/errors';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wb-atomic-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes text and replaces an existing file, leaving no temporary file', async () => {
    const file = path.join(dir, 'report.html');
    await writeFileAtomic(file, 'old');
    await writeFileAtomic(file, 'new ✓');
    expect(await fs.readFile(file, 'utf8')).toBe('new ✓');
    expect(await fs.readdir(dir)).toEqual(['report.html']);
  });

  it('writes bytes', async () => {
    const file = path.join(dir, 'b.bin');
    await writeFileAtomic(file, new Uint8Array([0, 255, 7]));
    expect(Array.from(await fs.readFile(file))).toEqual([0, 255, 7]);
  });

  it('removes the temporary file and rethrows when the rename fails', async () => {
    const target = path.join(dir, 'sub');
    await fs.mkdir(target);
    await fs.writeFile(path.join(target, 'keep'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST|EPERM/) });
    expect((await fs.readdir(dir)).sort()).toEqual(['sub']);
  });

  it('rejects a missing directory with the file-system error', async () => {
    await expect(writeFileAtomic(path.join(dir, 'nope', 'f.txt'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('validates its arguments', async () => {
    await expect(writeFileAtomic('', 'x')).rejects.toBeInstanceOf(InputError);
    await expect(writeFileAtomic('', 'x')).rejects.toThrow('path must be a non-empty string, got ""');
    await expect(writeFileAtomic(path.join(dir, 'f'), 5 as never)).rejects.toThrow('contents must be a string, a Uint8Array or an iterable of strings, got 5');
  });

  it('streams an iterable of lines larger than one chunk, complete', async () => {
    const file = path.join(dir, 'big.csv');
    function* lines(): Generator<string> {
      yield 'i,x\n';
      for (let i = 0; i < 200_000; i++) yield `${i},${(i * 0.5).toFixed(1)}\n`;
    }
    await writeFileAtomic(file, lines());
    const text = await fs.readFile(file, 'utf8');
    const rows = text.trimEnd().split('\n');
    expect(rows).toHaveLength(200_001);
    expect(rows[200_000]).toBe('199999,99999.5');
    expect(await fs.readdir(dir)).toEqual(['big.csv']);
  });

  it('writes nothing when the lines fail part way: no file, no temporary file', async () => {
    const file = path.join(dir, 'broken.csv');
    function* lines(): Generator<string> {
      for (let i = 0; i < 300_000; i++) yield `${i}\n`; // more than one chunk is written first
      throw new Error('the table broke at row 300000');
    }
    await expect(writeFileAtomic(file, lines())).rejects.toThrow('the table broke at row 300000');
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
