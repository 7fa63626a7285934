import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Hands `text` to a command as a file: written to a private (0700)
 * temporary folder, removed whatever `use` does. virsh and
 * virt-xml-validate read documents only from files, and /dev/stdin is no way
 * around it: Node gives a child a socket, not a pipe, which cannot be opened.
 */
export async function withTempFile<T>(
  name: string,
  text: string,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-'));
  try {
    const file = join(dir, name);
    await writeFile(file, text, { mode: 0o600 });
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
