import { describe, expect, it } from 'vitest';
import { LineSplitter, parseRequest, parseResponse } from './agent-protocol.js';

describe('agent requests', () => {
  it('accepts a full request and keeps only the fields it knows', () => {
    const line = JSON.stringify({
      id: 'a',
      argv: ['ip', 'link'],
      env: { X: '1' },
      cwd: '/tmp',
      timeoutMs: 5,
      stdin: 'aGk=',
      extra: 1,
    });
    expect(parseRequest(line)).toEqual({
      id: 'a',
      argv: ['ip', 'link'],
      env: { X: '1' },
      cwd: '/tmp',
      timeoutMs: 5,
      stdin: 'aGk=',
    });
  });

  it.each([
    [{ id: 'a', argv: [] }, 'argv'],
    [{ id: 'a', argv: ['ls', 3] }, 'argv'],
    [{ id: 'a', argv: ['ls'], env: { X: 1 } }, 'env'],
    [{ id: 'a', argv: ['ls'], timeoutMs: -1 }, 'timeoutMs'],
    [{ id: 'a', argv: ['ls'], cwd: 7 }, 'cwd'],
  ])('names the problem in %j but keeps the id so it can be answered', (req, word) => {
    const r = parseRequest(JSON.stringify(req));
    expect(r).toMatchObject({ id: 'a' });
    expect('problem' in r && r.problem).toContain(word);
  });

  it('cannot answer a line without an id', () => {
    expect(parseRequest('{"argv":["ls"]}')).toEqual({ id: null, problem: 'no id' });
    expect(parseRequest('not json')).toEqual({ id: null, problem: 'not JSON' });
  });
});

describe('agent responses', () => {
  it('reads a response and skips anything else', () => {
    const ok = { id: 'a', exitCode: 3, stdout: '', stderr: 'eA==', timedOut: false };
    expect(parseResponse(JSON.stringify(ok))).toEqual(ok);
    expect(parseResponse('{"id":"a"}')).toBeNull();
    expect(parseResponse('garbage')).toBeNull();
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps a partial line for later', () => {
    const s = new LineSplitter();
    expect(s.push(Buffer.from('{"a":'))).toEqual([]);
    expect(s.push(Buffer.from('1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(s.push(Buffer.from(':2}\n\n'))).toEqual(['{"b":2}', '']);
  });

  it('drops a line longer than the limit whole and goes on with the next', () => {
    const s = new LineSplitter(8);
    expect(s.push(Buffer.from('0123456'))).toEqual([]);
    expect(s.push(Buffer.from('789abc\nok\n'))).toEqual(['ok']);
  });
});
