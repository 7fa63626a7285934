import { VfleetError } from '../../core/errors.js';
import type { CommandRunner } from '../../core/ports.js';
import { withTempFile } from './temp-file.js';

export const LIBVIRT_SCHEMAS = ['domain', 'network'] as const;
export type LibvirtSchema = (typeof LIBVIRT_SCHEMAS)[number];

export interface SchemaCheck {
  readonly valid: boolean;
  /** virt-xml-validate's own words (`... validates`, or the Relax-NG errors). */
  readonly output: string;
}

/**
 * Checks a document against libvirt's Relax-NG schema with
 * `virt-xml-validate` (Debian: libvirt-clients, which calls xmllint from
 * libxml2-utils).
 */
export async function validateLibvirtXml(
  runner: CommandRunner,
  xml: string,
  schema: LibvirtSchema,
): Promise<SchemaCheck> {
  return withTempFile(`${schema}.xml`, xml, async (file) => {
    const r = await runner.run('virt-xml-validate', [file, schema], { timeoutMs: 60_000 });
    const output = `${r.stdout}${r.stderr}`.trim();
    // The script exits 127 when its xmllint is missing: a setup problem, not an invalid document.
    if (r.exitCode === 127 || /xmllint: (command )?not found/.test(output)) {
      throw new VfleetError(
        'MISSING_DEPENDENCY',
        'virt-xml-validate needs xmllint (Debian package libxml2-utils)',
        { command: 'virt-xml-validate', output },
      );
    }
    return { valid: r.exitCode === 0, output };
  });
}
