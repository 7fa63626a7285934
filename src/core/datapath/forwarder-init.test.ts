import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { guestModulePath, renderForwarderInit } from './forwarder-init.js';

const run = promisify(execFile);

describe('renderForwarderInit', () => {
  it('is a script busybox sh parses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-fwd-init-'));
    try {
      await writeFile(join(dir, 'init'), renderForwarderInit());
      // -n: read and parse, run nothing.
      await expect(run('busybox', ['sh', '-n', join(dir, 'init')])).resolves.toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads its ports from the command line, turns forwarding on, and says ready', () => {
    const init = renderForwarderInit();
    expect(init.startsWith('#!/bin/busybox sh\n')).toBe(true);
    expect(init).toContain("sed -n 's/^vfleet[.]fwd=//p'");
    expect(init).toContain('net.ipv4.ip_forward=1');
    expect(init).toContain('say ready');
  });

  it('names modules so that they sort in load order', () => {
    const names = [2, 10, 1].map((n) => guestModulePath(n, 'm', '.xz'));
    expect(names.toSorted()).toEqual([
      '/modules/001-m.ko.xz',
      '/modules/002-m.ko.xz',
      '/modules/010-m.ko.xz',
    ]);
  });
});
