import type { HostFs } from '../core/ports.js';

export type FsOp = 'readText' | 'listDir' | 'readLink' | 'exists';

/** Wraps a HostFs and records every read, so a baseline can repeat exactly the same reads. */
export function recordingHostFs(inner: HostFs): { fs: HostFs; ops: [FsOp, string][] } {
  const ops: [FsOp, string][] = [];
  const fs: HostFs = {
    ...inner,
    readText: (p) => (ops.push(['readText', p]), inner.readText(p)),
    listDir: (p) => (ops.push(['listDir', p]), inner.listDir(p)),
    readLink: (p) => (ops.push(['readLink', p]), inner.readLink(p)),
    exists: (p) => (ops.push(['exists', p]), inner.exists(p)),
  };
  return { fs, ops };
}
