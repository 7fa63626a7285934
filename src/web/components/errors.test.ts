import { describe, expect, it } from 'vitest';
import { VfleetError } from '../../core/errors.js';
import { fieldError, shownError } from './errors.js';

describe('API errors on forms', () => {
  const e = new VfleetError('INVALID_INPUT', 'ports[1].network: no network blue', {
    field: 'ports[1].network',
  });

  it('puts the message beside the field the API named, and beside no other', () => {
    expect(fieldError(e, 'ports[1].network')).toBe('ports[1].network: no network blue');
    expect(fieldError(e, 'ports[1]')).toBe('ports[1].network: no network blue');
    expect(fieldError(e, 'ports[0]')).toBeNull();
    expect(fieldError(e, 'name')).toBeNull();
  });

  it('reads a request-part field (body.token) as the form field', () => {
    const refused = new VfleetError('UNAUTHORIZED', 'unknown token', { field: 'body.token' });
    expect(fieldError(refused, 'token')).toBe('unknown token');
  });

  it('shows the code and field of an API error, and only the message of anything else', () => {
    expect(shownError(e)).toEqual({
      message: e.message,
      code: 'INVALID_INPUT',
      field: 'ports[1].network',
    });
    expect(shownError(new Error('offline'))).toEqual({
      message: 'offline',
      code: null,
      field: null,
    });
  });
});
