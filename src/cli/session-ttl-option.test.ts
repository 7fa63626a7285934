import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetCli, fleetTestEnv, launchCli } from '../testing/fleet-cli.js';

describe('vfleet controller --session-ttl', () => {
  it('sets how long a dashboard sign-in lasts: the cookie says so', async () => {
    const env = await fleetTestEnv();
    const ctl = launchCli(['controller', '--listen', '127.0.0.1:0', '--session-ttl', '2'], env);
    try {
      const url = (await ctl.waitFor(/controller: (http:\/\/127\.0\.0\.1:\d+)/))[1] ?? '';
      const admin = (await readFile(join(env.dataDir, 'admin-token'), 'utf8')).trim();
      const t0 = Date.now();
      const r = await fetch(`${url}/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: admin }),
      });
      expect(r.status).toBe(201);
      expect(r.headers.get('set-cookie')).toMatch(/; Max-Age=7200;/);
      const { expiresAt } = (await r.json()) as { expiresAt: string };
      expect(Date.parse(expiresAt) - t0).toBeGreaterThan(7_190_000);
      expect(Date.parse(expiresAt) - t0).toBeLessThan(7_210_000);
    } finally {
      env.stop();
      await ctl.done;
      await env.cleanup();
    }
  }, 60_000);

  it.each(['0', '721', 'a day'])('refuses %s, naming the flag', async (value) => {
    const env = await fleetTestEnv();
    try {
      const r = await fleetCli(['controller', '--session-ttl', value], env);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(
        `--session-ttl: "${value}" is not a number of hours from 1 to 720 [field: session-ttl]`,
      );
    } finally {
      await env.cleanup();
    }
  });
});
