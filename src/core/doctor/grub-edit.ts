import type { OsFamily } from './input.js';
import { parseCmdline } from './host-text.js';

const GRUB_FILE = '/etc/default/grub';
// The last assignment wins in a shell-sourced file; _DEFAULT is a separate variable.
const LINE_RE = /^[ \t]*GRUB_CMDLINE_LINUX=(["']?)(.*?)\1[ \t]*$/gm;
const DEFAULT_LINE_RE = /^[ \t]*GRUB_CMDLINE_LINUX_DEFAULT=(["']?)(.*?)\1[ \t]*$/gm;

const lastValue = (text: string, re: RegExp): string | null => {
  let value: string | null = null;
  for (const m of text.matchAll(re)) value = m[2] ?? '';
  return value;
};

/** Adds `key=value` arguments, replacing an argument with the same key (`pci=` merges comma lists). */
export function mergeKernelArgs(current: string, add: readonly string[]): string {
  const words = current.trim() === '' ? [] : current.trim().split(/\s+/);
  for (const arg of add) {
    const key = arg.split('=', 1)[0] ?? arg;
    const value = arg.slice(key.length + 1);
    const at = words.findIndex((w) => w === key || w.startsWith(`${key}=`));
    if (at < 0) words.push(arg);
    else if (key === 'pci') {
      const have = (words[at] ?? '')
        .slice(key.length + 1)
        .split(',')
        .filter((v) => v !== '');
      words[at] = `pci=${[...new Set([...have, value])].join(',')}`;
    } else words[at] = arg;
  }
  return words.join(' ');
}

function rebuildSteps(family: OsFamily | null, args: string): string[] {
  const debian = 'sudo update-grub';
  const grub2 = 'sudo grub2-mkconfig -o /boot/grub2/grub.cfg';
  if (family === 'debian') return [`Rebuild the grub configuration: ${debian}`];
  if (family === 'rhel')
    return [
      `Rebuild the grub configuration: ${grub2}`,
      `(or, for every installed kernel at once: sudo grubby --update-kernel=ALL --args="${args}")`,
    ];
  if (family === 'suse') return [`Rebuild the grub configuration: ${grub2}`];
  return [
    `Rebuild the grub configuration: ${debian} (Debian, Ubuntu) or ${grub2} (RHEL, Fedora, SUSE)`,
  ];
}

/**
 * The exact edit that puts kernel arguments on the next boot's command line,
 * as steps for a person to follow: vfleet never edits boot settings.
 */
export function grubEditSteps(
  add: readonly string[],
  grubDefault: string | null,
  family: OsFamily | null,
): string[] {
  const args = add.join(' ');
  const steps: string[] = [];
  const current = grubDefault === null ? null : lastValue(grubDefault, LINE_RE);
  if (current === null) {
    steps.push(
      grubDefault === null
        ? `Edit ${GRUB_FILE} (not readable here) and append ${args} inside the quotes of GRUB_CMDLINE_LINUX:`
        : `Edit ${GRUB_FILE} and add this line (it has no GRUB_CMDLINE_LINUX yet):`,
      `    GRUB_CMDLINE_LINUX="${grubDefault === null ? '<current arguments> ' : ''}${args}"`,
    );
  } else {
    steps.push(
      `Edit ${GRUB_FILE} and change the line`,
      `    GRUB_CMDLINE_LINUX="${current}"`,
      'to',
      `    GRUB_CMDLINE_LINUX="${mergeKernelArgs(current, add)}"`,
    );
  }
  const defaults = grubDefault === null ? null : lastValue(grubDefault, DEFAULT_LINE_RE);
  const defaultArgs = parseCmdline(defaults);
  for (const arg of add) {
    const key = arg.split('=', 1)[0] ?? arg;
    const have = defaultArgs.get(key);
    if (have !== undefined && key !== 'pci' && `${key}=${have}` !== arg)
      steps.push(
        `Also remove ${key}=${have} from GRUB_CMDLINE_LINUX_DEFAULT: it comes later on the command line and wins`,
      );
  }
  steps.push(
    ...rebuildSteps(family, args),
    `Reboot, then check that /proc/cmdline contains ${args}`,
  );
  return steps;
}
