import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VfleetError } from '../../core/errors.js';
import { createRunFolders } from './run-folders.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vfleet-run-folders-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createRunFolders', () => {
  it('makes a fresh folder QEMU can enter, whatever was there before, and removes it', async () => {
    const folders = createRunFolders(join(root, 'datapath'));
    const dir = await folders.make('vfleet-dp-42');
    expect(dir).toBe(join(root, 'datapath', 'vfleet-dp-42'));
    await writeFile(join(dir, 'console.log'), 'old run');
    const again = await folders.make('vfleet-dp-42');
    expect((await stat(again)).mode & 0o777).toBe(0o755);
    await expect(stat(join(again, 'console.log'))).rejects.toThrow(/ENOENT/);
    await folders.remove('vfleet-dp-42');
    await expect(stat(again)).rejects.toThrow(/ENOENT/);
    // Gone already: no error.
    await expect(folders.remove('vfleet-dp-42')).resolves.toBeUndefined();
  });

  it('refuses a name that would leave the root', async () => {
    const folders = createRunFolders(root);
    for (const name of ['..', '../etc', 'a/b', '', '.hidden']) {
      const e = await folders.make(name).catch((x: unknown) => x);
      expect(e, name).toBeInstanceOf(VfleetError);
      await expect(folders.remove(name), name).rejects.toBeInstanceOf(VfleetError);
    }
  });
});
