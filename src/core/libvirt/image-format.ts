/**
 * A disk image's format from its first bytes, as the agent reports it. Only
 * qcow2 is recognised; anything else is raw, which QEMU reads as plain bytes
 * (never following a reference in it). A qcow2 that names another file (a
 * backing file, an external data file) is refused: QEMU would open that
 * file for the guest, wherever it is.
 */
export const IMAGE_HEADER_BYTES = 104;

export type ImageFormatReading =
  { readonly format: 'qcow2' | 'raw' } | { readonly refused: string };

const u32 = (b: Uint8Array, at: number) =>
  ((b[at] ?? 0) * 2 ** 24 +
    ((b[at + 1] ?? 0) << 16) +
    ((b[at + 2] ?? 0) << 8) +
    (b[at + 3] ?? 0)) >>>
  0;

export function readImageFormat(head: Uint8Array): ImageFormatReading {
  // "QFI\xfb"
  if (u32(head, 0) !== 0x514649fb) return { format: 'raw' };
  if (head.length < 72) return { refused: 'a truncated qcow2 header' };
  const version = u32(head, 4);
  if (version !== 2 && version !== 3) return { refused: `qcow2 version ${version}` };
  if (u32(head, 8) !== 0 || u32(head, 12) !== 0) return { refused: 'a qcow2 with a backing file' };
  // Incompatible feature bit 2: an external data file.
  if (version === 3 && ((head[79] ?? 0) & 0b100) !== 0)
    return { refused: 'a qcow2 with an external data file' };
  return { format: 'qcow2' };
}
