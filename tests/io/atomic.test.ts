import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fsSync from 'fs';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  openAtomicDir,
  tempDirPrefix,
  TargetExistsError,
  writeDirAtomic,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../src/io/atomic';
import { InputError } from '../../src/errors';
import { expectInputError, expectInputErrorAsync } from '../helpers/expectInputError';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wb-atomic-'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

/** A directory whose rename over it fails: a file cannot replace a non-empty directory. */
async function nonEmptyDir(name: string): Promise<string> {
  const target = path.join(dir, name);
  await fs.mkdir(target);
  await fs.writeFile(path.join(target, 'keep'), 'x');
  return target;
}

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
    const target = await nonEmptyDir('sub');
    await expect(writeFileAtomic(target, 'data')).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST|EPERM/) });
    expect((await fs.readdir(dir)).sort()).toEqual(['sub']);
  });

  it('removes the temporary file and rethrows when a file-system call fails', async () => {
    const file = path.join(dir, 'f.txt');
    vi.spyOn(fsSync.promises, 'rename').mockRejectedValue(Object.assign(new Error('EIO: rename failed'), { code: 'EIO' }));
    await expect(writeFileAtomic(file, 'data')).rejects.toThrow('EIO: rename failed');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('rejects a missing directory with the file-system error', async () => {
    await expect(writeFileAtomic(path.join(dir, 'nope', 'f.txt'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('validates its arguments', async () => {
    await expect(writeFileAtomic('', 'x')).rejects.toBeInstanceOf(InputError);
    await expect(writeFileAtomic('', 'x')).rejects.toThrow('path must be a non-empty string, got ""');
    await expect(writeFileAtomic(path.join(dir, 'f'), 5 as never)).rejects.toThrow('contents must be a string, a Uint8Array or an iterable of strings, got 5');
    await expectInputErrorAsync(() => writeFileAtomic(path.join(dir, 'f'), [1] as never), 'contents must yield strings, got 1');
    expect(await fs.readdir(dir)).toEqual([]);
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

  function* brokenLines(): Generator<string> {
    for (let i = 0; i < 300_000; i++) yield `${i}\n`; // more than one chunk is written first
    throw new Error('the table broke at row 300000');
  }

  it('writes nothing when the lines fail part way: no file, no temporary file', async () => {
    const file = path.join(dir, 'broken.csv');
    await expect(writeFileAtomic(file, brokenLines())).rejects.toThrow('the table broke at row 300000');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('keeps the previous file complete when the lines fail part way', async () => {
    const file = path.join(dir, 'table.csv');
    await writeFileAtomic(file, 'previous\n');
    await expect(writeFileAtomic(file, brokenLines())).rejects.toThrow('the table broke at row 300000');
    expect(await fs.readFile(file, 'utf8')).toBe('previous\n');
    expect(await fs.readdir(dir)).toEqual(['table.csv']);
  });
});

describe('writeFileAtomicSync', () => {
  it.each([
    ['text', 'new ✓', Buffer.from('new ✓')],
    ['bytes', new Uint8Array([0, 255, 7]), Buffer.from([0, 255, 7])],
  ])('writes %s over an existing file, leaving no temporary file', (_kind, contents, expected) => {
    const file = path.join(dir, 'out');
    writeFileAtomicSync(file, 'old');
    writeFileAtomicSync(file, contents);
    expect(fsSync.readFileSync(file)).toEqual(expected);
    expect(fsSync.readdirSync(dir)).toEqual(['out']);
  });

  it('removes the temporary file and rethrows when the rename fails', async () => {
    const target = await nonEmptyDir('sub');
    expect(() => writeFileAtomicSync(target, 'data')).toThrow(expect.objectContaining({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST|EPERM/) }));
    expect(fsSync.readdirSync(dir)).toEqual(['sub']);
  });

  it('rejects a missing directory with the file-system error', () => {
    expect(() => writeFileAtomicSync(path.join(dir, 'nope', 'f.txt'), 'x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('validates its arguments', () => {
    expectInputError(() => writeFileAtomicSync('', 'x'), 'path must be a non-empty string, got ""');
    expectInputError(() => writeFileAtomicSync(path.join(dir, 'f'), ['x'] as never), 'contents must be a string or a Uint8Array, got ["x"]');
    expect(fsSync.readdirSync(dir)).toEqual([]);
  });
});

describe('writeDirAtomic', () => {
  it('fills a hidden temporary sibling, then renames it into place complete', async () => {
    const target = path.join(dir, 'run');
    let seen: { temp: string; targetThere: boolean } | undefined;
    await writeDirAtomic(target, async (temp) => {
      await fs.mkdir(path.join(temp, 'model'));
      await writeFileAtomic(path.join(temp, 'model', 'weights.bin'), new Uint8Array([1, 2, 3]));
      await writeFileAtomic(path.join(temp, 'metrics.json'), '{}\n');
      seen = { temp, targetThere: fsSync.existsSync(target) };
    });
    expect(path.dirname(seen!.temp)).toBe(dir);
    expect(path.basename(seen!.temp)).toMatch(new RegExp(`^\\.run\\.tmp-${process.pid}-\\d+$`));
    expect(seen!.targetThere).toBe(false);
    expect(await fs.readdir(dir)).toEqual(['run']);
    expect((await fs.readdir(target)).sort()).toEqual(['metrics.json', 'model']);
    expect(Array.from(await fs.readFile(path.join(target, 'model', 'weights.bin')))).toEqual([1, 2, 3]);
    expect(await fs.readFile(path.join(target, 'metrics.json'), 'utf8')).toBe('{}\n');
  });

  it.each([
    ['a directory', (target: string) => fs.mkdir(target)],
    ['a file', (target: string) => fs.writeFile(target, 'mine')],
    ['a dangling symbolic link', (target: string) => fs.symlink(path.join(dir, 'nowhere'), target)],
  ])('refuses a target that is %s, before fill runs, and leaves it alone', async (_kind, make) => {
    const target = path.join(dir, 'taken');
    await make(target);
    const fill = vi.fn(async () => undefined);
    const error = await writeDirAtomic(target, fill).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetExistsError);
    expect((error as TargetExistsError).message).toBe(`${JSON.stringify(target)} already exists; nothing was written there`);
    expect(error).toMatchObject({ code: 'EEXIST', target });
    expect(fill).not.toHaveBeenCalled();
    expect(await fs.readdir(dir)).toEqual(['taken']);
  });

  it('refuses a target that appears while fill runs (even an empty directory), and removes the temporary directory', async () => {
    const target = path.join(dir, 'run');
    const error = await writeDirAtomic(target, async (temp) => {
      await fs.writeFile(path.join(temp, 'a'), 'a');
      await fs.mkdir(target);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetExistsError);
    expect(await fs.readdir(dir)).toEqual(['run']);
    expect(await fs.readdir(target)).toEqual([]);
  });

  it('removes the temporary directory and rethrows when fill throws; no target', async () => {
    const target = path.join(dir, 'run');
    await expect(
      writeDirAtomic(target, async (temp) => {
        await fs.writeFile(path.join(temp, 'half'), 'x');
        throw new Error('interrupted during train');
      }),
    ).rejects.toThrow('interrupted during train');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('rejects a missing parent with the file-system error, and validates the target', async () => {
    await expect(writeDirAtomic(path.join(dir, 'nope', 'run'), async () => undefined)).rejects.toMatchObject({ code: 'ENOENT' });
    await expectInputErrorAsync(() => writeDirAtomic('', async () => undefined), 'target must be a non-empty string, got ""');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  describe('with replace', () => {
    async function existing(): Promise<string> {
      const target = path.join(dir, 'bundle');
      await fs.mkdir(target);
      await fs.writeFile(path.join(target, 'manifest.json'), 'old');
      return target;
    }

    it('replaces an existing directory whole, leaving no temporary or old directory', async () => {
      const target = await existing();
      await writeDirAtomic(target, (temp) => fs.writeFile(path.join(temp, 'new.json'), 'new'), { replace: true });
      expect(await fs.readdir(dir)).toEqual(['bundle']);
      expect(await fs.readdir(target)).toEqual(['new.json']);
    });

    it('creates a missing target', async () => {
      const target = path.join(dir, 'bundle');
      await writeDirAtomic(target, (temp) => fs.writeFile(path.join(temp, 'new.json'), 'new'), { replace: true });
      expect(await fs.readdir(target)).toEqual(['new.json']);
    });

    it('leaves the existing directory as it was when fill throws', async () => {
      const target = await existing();
      await expect(
        writeDirAtomic(target, async () => {
          throw new Error('disk full');
        }, { replace: true }),
      ).rejects.toThrow('disk full');
      expect(await fs.readdir(dir)).toEqual(['bundle']);
      expect(await fs.readFile(path.join(target, 'manifest.json'), 'utf8')).toBe('old');
    });

    it('puts the existing directory back when moving the new one in fails', async () => {
      const target = await existing();
      const realRename = fs.rename.bind(fs);
      vi.spyOn(fsSync.promises, 'rename').mockImplementation(async (from, to) => {
        if (String(from).includes('.bundle.tmp-') && to === target) throw new Error('EIO: rename failed');
        return realRename(from, to);
      });
      await expect(writeDirAtomic(target, (temp) => fs.writeFile(path.join(temp, 'new.json'), 'new'), { replace: true })).rejects.toThrow(
        'EIO: rename failed',
      );
      vi.restoreAllMocks();
      expect(await fs.readdir(dir)).toEqual(['bundle']);
      expect(await fs.readFile(path.join(target, 'manifest.json'), 'utf8')).toBe('old');
    });
  });
});

describe('openAtomicDir', () => {
  it('commits once; discard after commit keeps the target; a second commit is an error', async () => {
    const target = path.join(dir, 'run');
    const out = await openAtomicDir(target);
    expect(out.target).toBe(target);
    expect(path.basename(out.path).startsWith(tempDirPrefix(target))).toBe(true);
    await fs.writeFile(path.join(out.path, 'a'), 'a');
    await out.commit();
    await out.discard();
    expect(await fs.readdir(target)).toEqual(['a']);
    await expect(out.commit()).rejects.toThrow(`${JSON.stringify(out.path)} was already committed or discarded`);
  });

  it('discard removes the temporary directory and everything in it; twice is fine', async () => {
    const out = await openAtomicDir(path.join(dir, 'run'));
    await fs.mkdir(path.join(out.path, 'model'));
    await fs.writeFile(path.join(out.path, 'model', 'w'), 'w');
    await out.discard();
    await out.discard();
    expect(await fs.readdir(dir)).toEqual([]);
  });
});

describe('tempDirPrefix', () => {
  it.each([
    ['runs/a', '.a.tmp-'],
    ['/abs/run/', '.run.tmp-'],
  ])('%s -> %s', (target, prefix) => {
    expect(tempDirPrefix(target)).toBe(prefix);
  });
});
