/**
 * The forwarding VM's boot files (the VM paths of `vfleet bench datapath`):
 * the host's own kernel, and an initramfs vfleet writes from the host's
 * static busybox, the guest's NIC drivers and an init script. The port is
 * defined here and implemented by an adapter (binary files, cpio).
 */

/** One file of the initramfs: copied from the host, or text given here. */
export type InitramfsFile =
  | {
      readonly path: string;
      readonly mode: number;
      readonly kind: 'host';
      /** The host file's absolute path; links are followed. */
      readonly source: string;
    }
  | { readonly path: string; readonly mode: number; readonly kind: 'text'; readonly text: string };

export interface GuestImageWriter {
  /**
   * The ELF program interpreter an executable asks for (its dynamic loader,
   * `/lib64/ld-linux-x86-64.so.2`), or null for a static executable: a
   * dynamic one would find no libraries in the initramfs.
   */
  interpreterOf(path: string): Promise<string | null>;
  /**
   * Writes an uncompressed cpio "newc" archive (the kernel unpacks it as an
   * initramfs) to `out`, readable by its owner only, with the folders the
   * files need. The same files give the same bytes.
   */
  writeInitramfs(out: string, files: readonly InitramfsFile[]): Promise<void>;
}

/** The folder a run keeps the VM's initramfs and console in, and its removal. */
export interface RunFolders {
  /**
   * A new empty folder `<run root>/<name>` that QEMU's user may enter (the
   * files in it are labelled for QEMU by libvirt); an old one of that name
   * is removed first.
   */
  make(name: string): Promise<string>;
  /** The folder `name` and all in it; no error when it is gone. */
  remove(name: string): Promise<void>;
}
