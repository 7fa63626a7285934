import { describe, expect, it } from 'vitest';
import { apiError, unanswered } from './client-errors.js';

describe('apiError', () => {
  it("takes Node's bare 408 as a request never handled, to be sent again", () => {
    const e = apiError(408, '', 'POST /v1/tokens');
    expect(e.code).toBe('MISSING_DEPENDENCY');
    expect(e.message).toContain('HTTP 408');
    expect(unanswered(e)).toBe(true);
  });

  it('keeps the API error of a body that is one, and the status of any other answer', () => {
    const api = apiError(409, { code: 'CONFLICT', message: 'taken', details: {} }, 'POST /v1/x');
    expect(api.code).toBe('CONFLICT');
    expect(unanswered(api)).toBe(false);
    const proxy = apiError(502, '<html>bad gateway</html>', 'GET /v1/hosts');
    expect(proxy.code).toBe('INTERNAL');
    expect(proxy.details.status).toBe(502);
    expect(unanswered(proxy)).toBe(false);
  });
});
