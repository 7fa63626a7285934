import { describe, expect, it } from 'vitest';
import { createExecRunner } from './exec-runner.js';
import { VfleetError } from '../../core/errors.js';

const runner = createExecRunner({ path: process.env.PATH });

describe('createExecRunner', () => {
  it('passes input on stdin and gives back the output', async () => {
    const r = await runner.run('cat', [], { input: 'hello\n' });
    expect(r).toEqual({ exitCode: 0, stdout: 'hello\n', stderr: '' });
  });

  it('answers with the exit status when the child exits without reading its input', async () => {
    // 8 MiB cannot fit a pipe's buffer, so the write meets a closed pipe (EPIPE).
    for (let i = 0; i < 5; i++) {
      const r = await runner.run('sh', ['-c', 'exit 3'], { input: 'x'.repeat(8 * 1024 * 1024) });
      expect(r.exitCode).toBe(3);
    }
  });

  it('names a missing program as MISSING_DEPENDENCY', async () => {
    const e: unknown = await runner.run('vfleet-no-such-program', []).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VfleetError);
    expect((e as VfleetError).code).toBe('MISSING_DEPENDENCY');
  });

  it('turns a time-out into TIMEOUT', async () => {
    const e: unknown = await runner
      .run('sleep', ['5'], { timeoutMs: 100 })
      .catch((x: unknown) => x);
    expect((e as VfleetError).code).toBe('TIMEOUT');
  });
});
