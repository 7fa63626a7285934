import { mkdir, symlink, writeFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Low-level writers for a fake host root (tests only). */
export class FixtureFiles {
  constructor(readonly root: string) {}

  path(p: string): string {
    return join(this.root, p);
  }

  async file(p: string, content: string | number): Promise<void> {
    const full = this.path(p);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, typeof content === 'number' ? `${content}\n` : content);
  }

  async dir(p: string): Promise<void> {
    await mkdir(this.path(p), { recursive: true });
  }

  async link(p: string, target: string): Promise<void> {
    const full = this.path(p);
    await mkdir(dirname(full), { recursive: true });
    await rm(full, { force: true, recursive: true });
    await symlink(target, full);
  }

  async remove(p: string): Promise<void> {
    await rm(this.path(p), { force: true, recursive: true });
  }
}
