import { z } from 'zod';
import type { EswitchFacts } from '../../core/host-facts.js';
import { parseIpJson } from './ip-link-json.js';

/**
 * `devlink -j dev eswitch show HANDLE` (iproute2 >= 4.11):
 * `{"dev":{"pci/0000:08:00.0":{"mode":"switchdev","inline-mode":"none","encap-mode":"basic"}}}`.
 * Drivers print only what they support; a mode other than the two vfleet
 * knows is reported as null rather than guessed.
 */
const eswitchShow = z.object({
  dev: z.record(
    z.string(),
    z.looseObject({
      mode: z.string().optional(),
      'inline-mode': z.string().optional(),
      'encap-mode': z.string().optional(),
    }),
  ),
});

export function parseEswitchJson(handle: string, stdout: string): EswitchFacts {
  const data = parseIpJson(stdout, eswitchShow, `\`devlink -j dev eswitch show ${handle}\``);
  const e = data.dev[handle] ?? Object.values(data.dev)[0];
  const mode = e?.mode;
  return {
    handle,
    mode: mode === 'legacy' || mode === 'switchdev' ? mode : null,
    inlineMode: e?.['inline-mode'] ?? null,
    encapMode: e?.['encap-mode'] ?? null,
  };
}
