import { describe, expect, it } from 'vitest';
import { VfleetError } from '../errors.js';
import { parseStateText } from './parse-state-text.js';

const failure = (text: string): VfleetError => {
  try {
    parseStateText(text, 'state.yaml');
  } catch (e) {
    if (e instanceof VfleetError) return e;
    throw e;
  }
  throw new Error('expected a failure');
};

describe('parseStateText', () => {
  it('reads YAML and JSON into the same state', () => {
    const yaml =
      'pfs:\n  - pciAddress: 01:00.0 # eth0\n    numVfs: 4\n    vfs:\n      - range: 0-1\n        trust: true\n';
    const json =
      '{"pfs":[{"pciAddress":"0000:01:00.0","numVfs":4,"vfs":[{"range":"0-1","trust":true}]}]}';
    expect(parseStateText(yaml, 'a')).toEqual(parseStateText(json, 'b'));
    expect(parseStateText(yaml, 'a').pfs[0]?.pciAddress).toBe('0000:01:00.0');
  });

  it('gives INVALID_INPUT with line and column for a syntax error', () => {
    const e = failure('pfs:\n  - pciAddress: 0000:01:00.0\n    numVfs: [4\n');
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^state\.yaml:\d+:\d+: not valid YAML: /);
    expect(e.details.line).toBeGreaterThanOrEqual(3);
  });

  it('refuses duplicate keys, which YAML would otherwise silently merge', () => {
    const e = failure('pfs: []\npfs: []\n');
    expect([e.code, e.details.line]).toEqual(['INVALID_INPUT', 2]);
  });

  it('names the field of a schema error and an empty file', () => {
    expect(failure('pfs:\n  - pciAddress: 0000:01:00.0\n    numVfs: -1\n').details.field).toBe(
      'pfs[0].numVfs',
    );
    expect(failure('# nothing\n').message).toMatch(/empty/);
  });
});
