import type { LogLevel } from './vocabulary.js';

/**
 * The outside world as core needs it, and no more (Kysely style): adapters
 * implement these, tests substitute fixtures. Paths are absolute *inside the
 * host root* (`/sys/bus/pci/devices`), never prefixed with it.
 */
export interface HostFs {
  /** File contents, or null when the file does not exist. */
  readText(path: string): Promise<string | null>;
  /** Entry names, or null when the directory does not exist. */
  listDir(path: string): Promise<readonly string[] | null>;
  /** A symlink's target as written, or null when it is not a link or absent. */
  readLink(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  writeText(path: string, text: string): Promise<void>;
  /** Writes a file atomically (temp + rename), creating parent folders. */
  writeFileAtomic(path: string, text: string, mode?: number): Promise<void>;
}

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string;
  readonly timeoutMs?: number;
}

/** Runs a program found on PATH with an argv array; never through a shell. */
export interface CommandRunner {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Progress lines for long work; the CLI prints them to stderr. */
export type ProgressSink = (event: ProgressEvent) => void;

export interface ProgressEvent {
  readonly step: string;
  readonly status: 'start' | 'ok' | 'skipped' | 'failed' | 'info';
  readonly detail?: string;
}

/** What is at a path, without following a final symlink. */
export interface FileStat {
  readonly kind: 'file' | 'directory' | 'symlink' | 'block-device' | 'other';
  readonly sizeBytes: number;
}

/**
 * The few reads the agent's image store needs (`vfleet agent --image-dir`),
 * rooted at the host root like HostFs: images are large, so only a file's
 * header is ever read, and links are resolved by the caller, inside the root.
 */
export interface ImageFs {
  listDir(path: string): Promise<readonly string[] | null>;
  /** null when nothing is there. */
  lstat(path: string): Promise<FileStat | null>;
  /** A symlink's target as written, or null when it is not a link or absent. */
  readLink(path: string): Promise<string | null>;
  /** The first `bytes` bytes (fewer when the file is shorter); null when absent. */
  readHead(path: string, bytes: number): Promise<Uint8Array | null>;
}

/**
 * The cloud-init seeds the agent hands guests as CD-ROMs
 * (core/libvirt/seed-disk.ts), at paths inside the host root like HostFs.
 */
export interface SeedIsoStore {
  /**
   * Makes `path` an ISO 9660 volume labelled `cidata` that holds `files`
   * (name to text), atomically; false when it already held exactly these
   * (the image records their hash). MISSING_DEPENDENCY without genisoimage.
   */
  ensure(path: string, files: Readonly<Record<string, string>>): Promise<boolean>;
  /** Removes it; nothing there is no error. */
  remove(path: string): Promise<void>;
}

/**
 * A structured log: one event per call, a message for people and fields for
 * programs (request id, token name, host, instance). The composition root
 * picks the implementation (pino: JSON lines, or readable in a terminal).
 */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>): void;
  /**
   * Whether a line at `level` would be written: a caller that logs on every
   * request asks first and builds no fields for a line left out. Absent:
   * every level is.
   */
  enabled?(level: LogLevel): boolean;
}

/** Logs nothing: for callers that were given no logger. */
export const SILENT_LOGGER: Logger = { log: () => undefined };
