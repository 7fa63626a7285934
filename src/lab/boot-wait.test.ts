import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VfleetError } from '../core/errors.js';
import { waitReady } from './boot-wait.js';
import { LineSplitter, parseRequest } from './guest/agent-protocol.js';
import type { InstancePaths, LabDeps } from './lab-deps.js';

// waitReady on a fake clock: a "guest" whose console advances (or stops) as
// the clock moves, and whose agent never answers (no socket).
let dir = '';
let paths: InstancePaths;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-boot-wait-'));
  // waitReady checks QEMU is alive by its pidfile on its command line: this
  // process stands in for it, so its own first argument is the "pidfile".
  const self = (await readFile('/proc/self/cmdline', 'utf8')).split('\0')[0] ?? '';
  paths = {
    dir,
    record: join(dir, 'instance.json'),
    pidFile: self,
    serialLog: join(dir, 'serial.log'),
    agentSocket: join(dir, 'agent.sock'),
    persistDir: join(dir, 'persist'),
  };
  await writeFile(paths.serialLog, '');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A clock that jumps on sleep; the console gets one line per 5 s until `printsForMs`. */
function guest(printsForMs: number) {
  let now = 0;
  let printed = 0;
  const deps: LabDeps = {
    runner: { run: () => Promise.reject(new Error('no commands here')) },
    cacheDir: dir,
    installDir: dir,
    nodePath: process.execPath,
    clock: {
      now: () => now,
      sleep: async (ms) => {
        now += Math.max(ms, 1000);
        while (printed + 5000 <= Math.min(now, printsForMs)) {
          printed += 5000;
          await appendFile(paths.serialLog, `[ ${printed / 1000}.000] kernel line\r\n`);
        }
      },
    },
    progress: () => undefined,
  };
  return { deps, now: () => now };
}

const wait = (deps: LabDeps) =>
  waitReady(deps, paths, { pid: process.pid, pfs: 1, timeoutMs: 180_000 }).catch(
    (e: unknown) => e as VfleetError,
  );

describe('waitReady on a slow guest', () => {
  it('keeps waiting past the base limit while the console advances, then fails 90 s after it stops', async () => {
    const g = guest(400_000);
    const e = (await wait(g.deps)) as VfleetError;
    expect(e.code).toBe('TIMEOUT');
    // Last line at 400 s, +90 s of silence (give or take one 1 s sleep).
    expect(g.now()).toBeGreaterThanOrEqual(490_000);
    expect(g.now()).toBeLessThan(492_000);
    expect(e.message).toMatch(
      /^the lab guest was not ready after 49\d s: no progress for 9\d s \(49\d s in all\) \(the agent has not answered\); last serial console lines:\n/,
    );
    // The last 20 lines, without the console's carriage returns.
    const lines = e.message.split('\n').slice(1);
    expect(lines).toHaveLength(20);
    expect(lines.at(-1)).toBe('[ 400.000] kernel line');
    expect(e.message).not.toContain('\r');
    // Silent before its agent ever answered: lab up may start it once more.
    expect(e.details.stalledBeforeAgent).toBe(true);
  });

  it('fails at the base limit when the console is silent, and says so', async () => {
    const g = guest(0);
    const e = (await wait(g.deps)) as VfleetError;
    expect(e.code).toBe('TIMEOUT');
    expect(g.now()).toBeLessThan(182_000);
    expect(e.message).toContain('no progress in 18');
    expect(e.message).toContain('last serial console lines:\n(the guest has printed nothing yet)');
    expect(e.details.stalledBeforeAgent).toBe(true);
  });

  it('gives up at 5 times the base limit even if the console never stops', async () => {
    const g = guest(10_000_000);
    const e = (await wait(g.deps)) as VfleetError;
    expect(g.now()).toBeGreaterThanOrEqual(900_000);
    expect(g.now()).toBeLessThan(902_000);
    expect(e.message).toContain('still progressing, but 900 s is the most it is given');
    // Still printing: a boot loop or a crawl, which a second start would not cure.
    expect(e.details.stalledBeforeAgent).toBeUndefined();
  });

  it('does not call a guest whose agent answers stalled before its agent (its PFs are missing)', async () => {
    // An agent that answers every probe with a boot id and no probed PF.
    const agent = createServer((sock) => {
      const lines = new LineSplitter();
      sock.on('data', (chunk) => {
        for (const line of lines.push(chunk)) {
          const req = parseRequest(line);
          const reply = {
            id: req.id,
            exitCode: 0,
            stdout: Buffer.from('a-boot-id\n').toString('base64'),
            stderr: '',
            timedOut: false,
          };
          sock.write(`${JSON.stringify(reply)}\n`);
        }
      });
    });
    await new Promise<void>((r) => agent.listen(paths.agentSocket, r));
    try {
      const e = (await wait(guest(0).deps)) as VfleetError;
      expect(e.code).toBe('TIMEOUT');
      expect(e.message).toContain('(the agent answers; 0 of 1 PFs probed)');
      expect(e.details.stalledBeforeAgent).toBeUndefined();
    } finally {
      agent.close();
    }
  });
});

describe('waitReady when QEMU is gone', () => {
  it('fails at once, naming the pid, marked so lab up can tell an exit from a timeout', async () => {
    const g = guest(0);
    // pid 1 is alive but is not this instance's QEMU: its command line names no pidfile of ours.
    const e = await waitReady(g.deps, paths, { pid: 1, pfs: 1, timeoutMs: 180_000 }).catch(
      (x: unknown) => x as VfleetError,
    );
    expect(e).toMatchObject({ code: 'COMMAND_FAILED', details: { qemuExited: true } });
    expect((e as VfleetError).message).toMatch(/^QEMU \(pid 1\) exited during boot; last serial/);
    // Looked at twice, half a second apart, before giving up.
    expect(g.now()).toBe(1000);
  });
});
