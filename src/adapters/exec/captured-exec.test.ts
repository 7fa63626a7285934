import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCaptured } from './captured-exec.js';

const env = { PATH: '/usr/bin:/bin' };

describe('runCaptured', () => {
  it('returns exit status, raw output bytes, and uses the given environment, folder and input', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfleet-cap-'));
    try {
      const r = await runCaptured({
        argv: ['sh', '-c', 'pwd; printf "$X"; cat; printf "\\377" >&2; exit 7'],
        env: { ...env, X: 'x=1\n' },
        cwd: dir,
        input: Buffer.from('in\n'),
      });
      expect(r.exitCode).toBe(7);
      expect(r.stdout.toString()).toBe(`${dir}\nx=1\nin\n`);
      expect([...r.stderr]).toEqual([255]);
      expect(r.timedOut).toBe(false);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('kills at the time limit and says so', async () => {
    const r = await runCaptured({ argv: ['sleep', '5'], env, timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBe(128 + 9);
  });

  it('turns a missing program into exit status 127 with a message', async () => {
    const r = await runCaptured({ argv: ['no-such-program-vfleet'], env });
    expect(r.exitCode).toBe(127);
    expect(r.stderr.toString()).toContain('ENOENT');
  });
});
