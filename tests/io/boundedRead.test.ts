import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '../../src/errors';
import {
  DEFAULT_MAX_BYTES,
  MAX_TEXT_BYTES,
  readFileBounded,
  readTextFileBounded,
} from '../../src/io/boundedRead';
import * as io from '../../src/io';

async function rejection(promise: Promise<unknown>): Promise<InputError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bounded-read-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

function fifo(name: string): string {
  const p = path.join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

/** Starts `sh -c script` and returns it; the caller kills it. */
function sh(script: string): ChildProcess {
  return spawn('sh', ['-c', script], { stdio: 'ignore' });
}

describe('readFileBounded', () => {
  it('is exported from the io barrel with a 1 GiB default', () => {
    expect(io.readFileBounded).toBe(readFileBounded);
    expect(io.readTextFileBounded).toBe(readTextFileBounded);
    expect(DEFAULT_MAX_BYTES).toBe(1073741824);
  });

  it('reads a regular file at and below the limit', async () => {
    const p = file('small.bin', Buffer.from([1, 2, 3, 4]));
    expect([...(await readFileBounded(p, { maxBytes: 4 }))]).toEqual([1, 2, 3, 4]);
    expect((await readFileBounded(file('empty.bin', ''), { maxBytes: 1 })).length).toBe(0);
  });

  it('refuses a regular file over the limit, naming the path, the size, the limit and the hint', async () => {
    const p = file('big.csv', 'x'.repeat(2048));
    const err = await rejection(readFileBounded(p, { maxBytes: 1024, what: 'CSV', limitHint: 'raise it with --max-bytes' }));
    expect(err.message).toBe(
      `CSV ${p} is 2048 bytes (2 KiB), more than the limit of 1024 bytes (1 KiB) (maxBytes); raise it with --max-bytes`,
    );
    expect(err.details).toMatchObject({ file: p, argument: 'maxBytes', maxBytes: 1024, size: 2048 });
    expect((await rejection(readFileBounded(p, { maxBytes: 10 }))).message).toContain('raise it with the maxBytes option');
  });

  it('stops reading /dev/zero at the limit', async () => {
    const started = Date.now();
    const err = await rejection(readFileBounded('/dev/zero', { maxBytes: 1_000_000, what: 'weights file' }));
    expect(err.message).toBe(
      'weights file /dev/zero holds more than the limit of 1000000 bytes (976.6 KiB) (maxBytes); raise it with the maxBytes option',
    );
    expect(err.details).toMatchObject({ file: '/dev/zero', argument: 'maxBytes' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('names missing files, directories and invalid options', async () => {
    expect((await rejection(readFileBounded(path.join(dir, 'nope'), { maxBytes: 1 }))).message).toBe(
      `file not found: ${path.join(dir, 'nope')}`,
    );
    expect((await rejection(readFileBounded(dir, { maxBytes: 1 }))).message).toBe(`${dir} is a directory, not a file`);
    const p = file('opts.txt', 'a');
    const cases: [object, string][] = [
      [{ maxBytes: 0 }, 'maxBytes must be an integer from 1 to '],
      [{ maxBytes: 1.5 }, 'maxBytes must be an integer from 1 to '],
      [{ maxBytes: 2 ** 40 }, 'maxBytes must be an integer from 1 to '],
      [{ maxBytes: 1, idleTimeoutMs: 0 }, 'idleTimeoutMs must be a positive number of milliseconds, got 0'],
    ];
    for (const [options, message] of cases) {
      const err = await rejection(readFileBounded(p, options as { maxBytes: number }));
      expect(err.message.startsWith(message)).toBe(true);
    }
    expect((await rejection(readFileBounded('a\0b', { maxBytes: 1 }))).message).toBe(
      'path must not contain a NUL byte, got "a\\u0000b"',
    );
  });
});

describe('readFileBounded on FIFOs', () => {
  it('fails after idleTimeoutMs when no writer connects, without hanging', async () => {
    const p = fifo('nowriter');
    const started = Date.now();
    const err = await rejection(readFileBounded(p, { maxBytes: 100, what: 'CSV', idleTimeoutMs: 300 }));
    const elapsed = Date.now() - started;
    expect(err.message).toBe(
      `CSV ${p}: no writer opened the FIFO within 300 ms (idleTimeoutMs); start the program that writes to it first, or raise the timeout`,
    );
    expect(err.details).toMatchObject({ file: p, argument: 'idleTimeoutMs', value: 300 });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
  });

  it('reads what a writer sends, also when the writer starts late and pauses', async () => {
    const p = fifo('late');
    const writer = sh(`sleep 0.3; { printf 'hello '; sleep 0.3; printf world; } > '${p}'`);
    try {
      expect((await readFileBounded(p, { maxBytes: 100, idleTimeoutMs: 5000 })).toString()).toBe('hello world');
    } finally {
      writer.kill();
    }
  });

  it('fails when a connected writer stalls', async () => {
    const p = fifo('stall');
    const writer = sh(`{ printf 'a'; sleep 30; } > '${p}'`);
    try {
      const err = await rejection(readFileBounded(p, { maxBytes: 100, idleTimeoutMs: 400 }));
      expect(err.message).toBe(`file ${p}: no data for 400 ms (idleTimeoutMs); the writer stalled`);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('stops an endless writer at the limit', async () => {
    const p = fifo('endless');
    const writer = sh(`exec cat /dev/zero > '${p}'`);
    try {
      const err = await rejection(readFileBounded(p, { maxBytes: 3_000_000, idleTimeoutMs: 5000 }));
      expect(err.message).toBe(`file ${p} holds more than the limit of 3000000 bytes (2.9 MiB) (maxBytes); raise it with the maxBytes option`);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('lets the process exit after a FIFO without a writer timed out', () => {
    const p = fifo('exit');
    const src = path.join(__dirname, '..', '..', 'src', 'io', 'boundedRead.ts');
    const script =
      `require(${JSON.stringify(src)}).readFileBounded(${JSON.stringify(p)}, { maxBytes: 10, idleTimeoutMs: 200 })` +
      `.catch((e) => { console.log(e.name); });`;
    const started = Date.now();
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
      cwd: path.join(__dirname, '..', '..'),
    });
    expect(out.trim()).toBe('InputError');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('readTextFileBounded', () => {
  it('decodes UTF-8 (dropping a byte-order mark) and UTF-16 with a byte-order mark', async () => {
    const text = 'date,value\n2020-01,1.5\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    const cases: [string, Buffer][] = [
      ['plain.csv', Buffer.from(text)],
      ['bom8.csv', Buffer.from(`\uFEFF${text}`)],
      ['le.csv', le],
      ['be.csv', be],
    ];
    for (const [name, bytes] of cases) {
      const p = file(name, bytes);
      expect(await readTextFileBounded(p, { maxBytes: 1000 })).toBe(text);
      expect(fs.readFileSync(p).equals(bytes)).toBe(true);
    }
  });

  it('refuses text longer than a JavaScript string can hold, before reading it', async () => {
    const p = path.join(dir, 'sparse.csv');
    // A sparse file: takes no disk space.
    fs.writeFileSync(p, '');
    fs.truncateSync(p, MAX_TEXT_BYTES + 1);
    try {
      const err = await rejection(readTextFileBounded(p, { maxBytes: DEFAULT_MAX_BYTES, what: 'CSV' }));
      expect(err.message).toBe(
        `CSV ${p} is ${MAX_TEXT_BYTES + 1} bytes (512 MiB), more than the ${MAX_TEXT_BYTES} bytes (512 MiB) of text a ` +
          "JavaScript string can hold (V8's maximum string length); split the file or convert it to a smaller one",
      );
      expect(err.details).toMatchObject({ file: p, limit: 'MAX_STRING_LENGTH' });
      // The user's own limit still applies when it is the smaller one.
      expect((await rejection(readTextFileBounded(p, { maxBytes: 100 }))).details).toMatchObject({ argument: 'maxBytes' });
    } finally {
      fs.rmSync(p);
    }
  });
});
