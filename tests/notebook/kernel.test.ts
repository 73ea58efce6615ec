import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelClient, KernelStartError, liveKernelCount } from '../../src/notebook/kernel';
import { findKernelSpec, type KernelSpec } from '../../src/notebook/kernelspec';
import type { JupyterMessage } from '../../src/notebook/messages';
import { leftoverKernels, tempDir, waitFor } from './helpers';

function fakeSpec(name: string, script: string): KernelSpec {
  const dir = tempDir('fake-kernel-');
  fs.writeFileSync(path.join(dir, 'kernel.js'), script);
  return { name, resourceDir: dir, spec: { argv: [process.execPath, '{resource_dir}/kernel.js', '{connection_file}'], display_name: name } };
}

describe('KernelClient with tslab', () => {
  let kernel: KernelClient;
  beforeAll(async () => {
    kernel = await KernelClient.start({ spec: findKernelSpec('tslab'), cwd: tempDir(), heartbeatIntervalMs: 200 });
  });
  afterAll(async () => {
    await kernel?.shutdown();
  });

  it('answers kernel_info and heartbeats', async () => {
    expect(kernel.kernelInfo).toMatchObject({ protocol_version: '5.3', implementation: 'tslab', language_info: { name: 'typescript' } });
    await waitFor(() => kernel.lastHeartbeatAt > 0, 5000);
    expect(Date.now() - kernel.lastHeartbeatAt).toBeLessThan(5000);
  });

  it('delivers every iopub message of a request before resolving', async () => {
    const seen: JupyterMessage[] = [];
    const reply = await kernel.execute('for (let i = 0; i < 50; i++) console.log(i);', { onIopub: (m) => seen.push(m) });
    expect(reply.status).toBe('ok');
    const text = seen.filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text).join('');
    expect(text).toBe(Array.from({ length: 50 }, (_, i) => `${i}\n`).join(''));
  });

  it('interrupts a pending await with SIGINT', async () => {
    const running = kernel.execute('await new Promise(() => undefined);');
    setTimeout(() => kernel.interrupt(), 300);
    const reply = await running;
    expect(reply.status).toBe('error');
    await new Promise((resolve) => setTimeout(resolve, 250)); // tslab drops requests for 200 ms after an error
    expect((await kernel.execute('1')).status).toBe('ok');
  });

  it('shuts down cleanly: the process exits, nothing is left in the process table', async () => {
    const pid = kernel.pid;
    const exit = await kernel.shutdown();
    expect(exit).not.toBeNull();
    expect(kernel.alive).toBe(false);
    expect(liveKernelCount()).toBe(0);
    expect(leftoverKernels([pid])).toEqual([]);
  });
});

describe('KernelClient start failures', () => {
  it('a kernel that never answers hits the start timeout and is killed', async () => {
    const spec = fakeSpec('silent', 'setInterval(() => undefined, 1000);');
    const started = Date.now();
    await expect(KernelClient.start({ spec, cwd: tempDir(), startTimeoutS: 1 })).rejects.toThrow(
      new KernelStartError('Kernel silent did not answer within 1.0 s (start timeout)'),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(liveKernelCount()).toBe(0);
  });

  it('a kernel that exits during start is reported with its output', async () => {
    const spec = fakeSpec('crashing', 'console.error("cannot load"); process.exit(5);');
    await expect(KernelClient.start({ spec, cwd: tempDir(), startTimeoutS: 10 })).rejects.toThrow(
      /^Kernel crashing exited during start \(Kernel died with exit code 5\): cannot load$/,
    );
  });

  it('a kernel command that cannot be spawned is a start error', async () => {
    const spec: KernelSpec = { name: 'missing', resourceDir: '/', spec: { argv: ['/nonexistent/kernel-binary'], display_name: 'm' } };
    await expect(KernelClient.start({ spec, cwd: tempDir(), startTimeoutS: 5 })).rejects.toThrow(/^Kernel missing failed to start: spawn \/nonexistent\/kernel-binary ENOENT$/);
  });
});
