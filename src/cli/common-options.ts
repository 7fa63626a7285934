import { Option } from 'commander';
import type { OutputFormat } from '../core/vocabulary.js';
import { OUTPUT_FORMATS } from '../core/vocabulary.js';
import { parseOutputFormat } from './output.js';

/** `-o table|json|yaml`, as kubectl and virsh users expect. */
export const outputOption = () =>
  new Option('-o, --output <format>', `output format: ${OUTPUT_FORMATS.join('|')}`)
    .argParser(parseOutputFormat)
    .default('table' satisfies OutputFormat);

/** Every host file access goes below this root (fixture hosts, chroots, the lab). */
export const hostRootOption = () =>
  new Option(
    '--host-root <dir>',
    'read and write host files below DIR (sysfs, /proc, /etc)',
  ).default('/');

export interface HostCommandOptions {
  readonly hostRoot: string;
  readonly output: OutputFormat;
}
