import type { Command } from 'commander';
import { errorCodeInfo } from '../core/errors.js';
import { commandTree, visibleCommands } from './command-tree.js';

/** Text as roff: backslashes escaped, no line read as a request, dashes as minus signs. */
const roff = (text: string): string =>
  text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n.br\n');

const usage = (c: Command): string =>
  c.registeredArguments
    .map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`) + (a.variadic ? '...' : ''))
    .join(' ');

/** `vfleet man`: vfleet(1) with every command of the tree, its options, exit codes and environment. */
export function manPage(program: Command, version: string): string {
  const out = [
    `.TH VFLEET 1 "" "vfleet ${roff(version)}" "User Commands"`,
    '.SH NAME',
    `vfleet \\- ${roff(program.description())}`,
    '.SH SYNOPSIS',
    '.B vfleet',
    '.I command',
    '[\\fIsubcommand\\fR] [\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    roff(
      'Every command below answers --help with the same text; completion: vfleet completion bash|zsh.',
    ),
    '.SH COMMANDS',
  ];
  for (const { path, command } of commandTree(program).slice(1)) {
    const args = usage(command);
    out.push(`.SS "${roff(path.join(' '))}${args === '' ? '' : ` ${roff(args)}`}"`);
    out.push(roff(command.description()));
    const subs = visibleCommands(command);
    if (subs.length > 0) out.push('.PP', roff(`Commands: ${subs.map((s) => s.name()).join(', ')}`));
    for (const o of command.options) {
      out.push('.TP', `.B ${roff(o.flags)}`, roff(o.description));
    }
  }
  out.push('.SH "EXIT STATUS"', roff('0 on success; on an error, one line names it and its code:'));
  const byExit = new Map<number, string[]>();
  for (const [code, info] of Object.entries(errorCodeInfo))
    byExit.set(info.exitCode, [...(byExit.get(info.exitCode) ?? []), code]);
  for (const [exit, codes] of [...byExit].sort((a, b) => a[0] - b[0]))
    out.push('.TP', `.B ${exit}`, roff(codes.join(', ')));
  out.push(
    '.SH ENVIRONMENT',
    '.TP',
    '.B VFLEET_URL',
    roff('controller URL when --controller is not given'),
    '.TP',
    '.B VFLEET_TOKEN',
    roff('bearer token when --token and --token-file are not given'),
    '.TP',
    '.B VFLEET_DATA_DIR',
    roff('data dir of vfleet controller and vfleet up (its admin-token and url files)'),
    '.TP',
    '.B VFLEET_DEBUG',
    roff('1: print the stack of an unexpected error'),
  );
  return `${out.join('\n')}\n`;
}
