import { describe, expect, it } from 'vitest';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { inputRejection as rejection } from './helpers';
import { isUrl, readTextSource } from '../../src/data/source';

describe('readTextSource', () => {
  it('recognises http(s) URLs only', () => {
    expect(isUrl('https://x/a.csv')).toBe(true);
    expect(isUrl('HTTP://x/a.csv')).toBe(true);
    expect(isUrl('ftp://x/a.csv')).toBe(false);
    expect(isUrl('data/http.csv')).toBe(false);
  });

  it('reads a file', async () => {
    const text = await readTextSource(path.join(__dirname, '..', 'fixtures', 'data', 'daily.csv'));
    expect(text.split('\n')[0]).toBe('date,load,temp,note');
  });

  it('names missing files, directories and empty sources', async () => {
    expect((await rejection(readTextSource('nope.csv'))).message).toBe('file not found: nope.csv');
    const dir = os.tmpdir();
    expect((await rejection(readTextSource(dir))).message).toBe(`${dir} is a directory, not a file`);
    expect((await rejection(readTextSource(''))).message).toBe('source must be a non-empty file path or URL, got ""');
  });

  it('fetches URLs and names the URL and the status or network failure', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/ok') res.end('hello');
      else {
        res.writeHead(500, 'Internal Server Error');
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await readTextSource(`${base}/ok`)).toBe('hello');
      expect((await rejection(readTextSource(`${base}/boom`))).message).toBe(
        `could not fetch ${base}/boom: HTTP 500 Internal Server Error`,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const err = await rejection(readTextSource(`${base}/closed`));
    expect(err.message.startsWith(`could not fetch ${base}/closed: `)).toBe(true);
    expect(err.details).toMatchObject({ url: `${base}/closed` });
  });
});
