import { readdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { ensureBuilt, spawnVfleet, type VfleetProcess } from '../testing/built-cli.js';

/** The built binary, told of a bad --listen / --data-dir before any slow work. */
let dir: string;
let taken: Server;
let port = 0;
const env = { DATABASE_URL: '', VFLEET_URL: '', VFLEET_TOKEN: '', VFLEET_DATA_DIR: '' };

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'vfleet-preflight-'));
  taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  port = (taken.address() as { port: number }).port;
}, 300_000);

afterAll(async () => {
  await new Promise((r) => taken.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function finished(p: VfleetProcess): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  const code =
    p.child.exitCode ?? (await new Promise<number | null>((r) => p.child.once('exit', r)));
  return { code, ms: Date.now() - t0 };
}

describe('checks before slow work', () => {
  it.each([
    ['up', ['up', '--render-only', '--host', 'hv1']],
    ['controller', ['controller']],
  ])(
    'vfleet %s on a taken address: CONFLICT at once, naming --listen, nothing created',
    async (_, argv) => {
      const data = join(dir, `data-${argv[0] ?? ''}`);
      const p = spawnVfleet([...argv, '--listen', `127.0.0.1:${port}`, '--data-dir', data], env);
      const { code, ms } = await finished(p);
      expect(code).toBe(errorCodeInfo.CONFLICT.exitCode);
      expect(p.stderr()).toBe(
        `vfleet: error: 127.0.0.1:${port} is in use (another vfleet up or vfleet controller?); ` +
          'choose another address with --listen 127.0.0.1:PORT [field: listen] (CONFLICT)\n',
      );
      expect(p.stdout()).toBe('');
      // Told before the data dir (and its ~30 s database) was touched.
      await expect(readdir(data)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(ms).toBeLessThan(20_000);
    },
    60_000,
  );

  it('a data dir that cannot be a folder: one line naming --data-dir', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const p = spawnVfleet(
      ['controller', '--listen', '127.0.0.1:0', '--data-dir', join(file, 'd')],
      env,
    );
    expect((await finished(p)).code).toBe(errorCodeInfo.HOST_WRITE_FAILED.exitCode);
    expect(p.stderr()).toBe(
      `vfleet: error: --data-dir: cannot use ${join(file, 'd')} as a data folder: a part of the path is a file, not a folder; ` +
        'choose another with --data-dir DIR [field: data-dir] (HOST_WRITE_FAILED)\n',
    );
  }, 60_000);
});
