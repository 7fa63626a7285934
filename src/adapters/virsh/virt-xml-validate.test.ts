import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../../core/ports.js';
import { validateLibvirtXml } from './virt-xml-validate.js';

function fake(result: CommandResult) {
  const seen: { args: string[]; text: string }[] = [];
  const runner: CommandRunner = {
    run(_command, args) {
      seen.push({ args: [...args], text: readFileSync(args[0] ?? '', 'utf8') });
      return Promise.resolve(result);
    },
  };
  return { runner, seen };
}

describe('validateLibvirtXml', () => {
  it('hands the document as a file with the schema name, and removes it', async () => {
    const { runner, seen } = fake({
      exitCode: 0,
      stdout: '/tmp/x/network.xml validates\n',
      stderr: '',
    });
    const check = await validateLibvirtXml(runner, '<network/>', 'network');
    expect(check).toEqual({ valid: true, output: '/tmp/x/network.xml validates' });
    expect(seen[0]?.args[1]).toBe('network');
    expect(seen[0]?.text).toBe('<network/>');
    expect(existsSync(seen[0]?.args[0] ?? '')).toBe(false);
  });

  it('reports an invalid document as invalid, with the schema errors', async () => {
    const { runner } = fake({
      exitCode: 3,
      stdout: '',
      stderr: 'Relax-NG validity error\nx fails to validate\n',
    });
    expect(await validateLibvirtXml(runner, '<domain/>', 'domain')).toEqual({
      valid: false,
      output: 'Relax-NG validity error\nx fails to validate',
    });
  });

  it('a missing xmllint is a missing dependency, not an invalid document', async () => {
    const { runner } = fake({
      exitCode: 127,
      stdout: '',
      stderr: 'virt-xml-validate: 1: xmllint: not found\n',
    });
    await expect(validateLibvirtXml(runner, '<domain/>', 'domain')).rejects.toMatchObject({
      code: 'MISSING_DEPENDENCY',
      message: expect.stringContaining('libxml2-utils') as unknown,
    });
  });
});
