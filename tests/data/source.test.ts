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

describe('readTextSource limits', () => {
  /** Starts a loopback server; `close` destroys every socket it opened. */
  async function serve(handler: http.RequestListener): Promise<{ base: string; close: () => Promise<void> }> {
    const server = http.createServer(handler);
    const sockets = new Set<import('net').Socket>();
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const close = async (): Promise<void> => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { base, close };
  }

  it('stops an endless body at maxBytes, quickly and without holding it all', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x61);
    let stopped = false;
    const { base, close } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      const pump = (): void => {
        while (!stopped && res.write(chunk));
        if (!stopped) res.once('drain', pump);
      };
      res.on('close', () => {
        stopped = true;
      });
      pump();
    });
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const started = Date.now();
      const err = await rejection(readTextSource(`${base}/endless.csv`, { maxBytes: 64 * 1024 * 1024 }));
      expect(err.message).toBe(
        `could not fetch ${base}/endless.csv: the body holds more than the limit of 67108864 bytes (64 MiB) (maxBytes); ` +
          'raise it with the maxBytes option (--max-bytes on the command line)',
      );
      expect(err.details).toMatchObject({ url: `${base}/endless.csv`, argument: 'maxBytes', value: 67108864 });
      expect(Date.now() - started).toBeLessThan(20_000);
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(peak).toBeLessThan(1.5 * 1024 ** 3);
    } finally {
      clearInterval(sampler);
      stopped = true;
      await close();
    }
  });

  it('refuses a Content-Length over the limit before reading the body', async () => {
    const { base, close } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.end('x'.repeat(5000));
    });
    try {
      const err = await rejection(readTextSource(`${base}/big`, { maxBytes: 1000 }));
      expect(err.message).toBe(
        `could not fetch ${base}/big: the body is 5000 bytes (4.9 KiB) (Content-Length), more than the limit of ` +
          '1000 bytes (maxBytes); raise it with the maxBytes option (--max-bytes on the command line)',
      );
    } finally {
      await close();
    }
  });

  it('times out on a server that never answers, or that stalls in the body', async () => {
    const { base, close } = await serve((req, res) => {
      if (req.url === '/stall') {
        res.writeHead(200);
        res.write('date,value\n');
      }
      // Otherwise: never answer.
    });
    try {
      const started = Date.now();
      const err = await rejection(readTextSource(`${base}/silent`, { timeoutMs: 300 }));
      expect(err.message).toBe(
        `could not fetch ${base}/silent: no response within 300 ms (timeoutMs); ` +
          'raise it with the timeoutMs option (--timeout on the command line)',
      );
      expect(err.details).toMatchObject({ url: `${base}/silent`, argument: 'timeoutMs', value: 300 });
      expect(Date.now() - started).toBeLessThan(5000);
      const stall = await rejection(readTextSource(`${base}/stall`, { timeoutMs: 300 }));
      expect(stall.message.startsWith(`could not fetch ${base}/stall: no body data within 300 ms (timeoutMs)`)).toBe(true);
    } finally {
      await close();
    }
  });

  it('reads a slow body whose total time exceeds timeoutMs but whose pauses do not', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const { base, close } = await serve((_req, res) => {
      res.writeHead(200);
      let i = 0;
      const next = (): void => {
        if (i === 6) {
          res.end();
          return;
        }
        res.write(`${i++}\n`);
        timers.add(setTimeout(next, 100));
      };
      next();
    });
    try {
      expect(await readTextSource(`${base}/slow`, { timeoutMs: 400 })).toBe('0\n1\n2\n3\n4\n5\n');
    } finally {
      for (const t of timers) clearTimeout(t);
      await close();
    }
  });

  it('decodes UTF-16 bodies and validates the options', async () => {
    const { base, close } = await serve((_req, res) => {
      res.end(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')]));
    });
    try {
      expect(await readTextSource(`${base}/u16`)).toBe('a,b\n');
    } finally {
      await close();
    }
    expect((await rejection(readTextSource('x.csv', { maxBytes: 0 }))).details).toMatchObject({ argument: 'maxBytes' });
    expect((await rejection(readTextSource('x.csv', { timeoutMs: -1 }))).message).toBe(
      'timeoutMs must be a positive number of milliseconds, got -1',
    );
  });

  it('bounds local files with the same options', async () => {
    const file = path.join(__dirname, '..', 'fixtures', 'data', 'daily.csv');
    const err = await rejection(readTextSource(file, { maxBytes: 10, what: 'CSV' }));
    expect(err.message).toMatch(/^CSV .*daily\.csv is \d+ bytes.*, more than the limit of 10 bytes \(maxBytes\); raise it with the maxBytes option \(--max-bytes on the command line\)$/);
    expect(err.details).toMatchObject({ argument: 'maxBytes' });
  });
});

describe('readTextSource on a FIFO', () => {
  it('fails after timeoutMs when no writer connects, naming the option and the CLI flag', async () => {
    const fs = await import('fs');
    const { execFileSync } = await import('child_process');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'source-fifo-'));
    try {
      const fifo = path.join(dir, 'in.csv');
      execFileSync('mkfifo', [fifo]);
      const err = await rejection(readTextSource(fifo, { timeoutMs: 200, what: 'CSV' }));
      expect(err.message).toBe(
        `CSV ${fifo}: no writer opened the FIFO within 200 ms (timeoutMs); start the program that writes to it first; ` +
          'or raise it with the timeoutMs option (--timeout on the command line)',
      );
      expect(err.details).toMatchObject({ file: fifo, argument: 'timeoutMs', value: 200 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
