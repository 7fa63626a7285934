import { describe, expect, it } from 'vitest';
import { createAgentClient, type FetchFn } from './agent-client.js';

/** A controller reached through `fetch` that fails the first `drops` requests at the socket. */
function flaky(drops: number, answer: () => Response) {
  let calls = 0;
  const fetchFn: FetchFn = () =>
    ++calls <= drops ? Promise.reject(new TypeError('fetch failed')) : Promise.resolve(answer());
  return { fetchFn, calls: () => calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('agent client', () => {
  it('sends a request again when it never got an answer, twice at most', async () => {
    const ok = flaky(2, () => json(200, {}));
    await createAgentClient('http://c', 't', 'h1', ok.fetchFn).taskDone('x', {
      ok: true,
      message: null,
    });
    expect(ok.calls()).toBe(3);
    const down = flaky(3, () => json(200, {}));
    await expect(
      createAgentClient('http://c', 't', 'h1', down.fetchFn).register({}),
    ).rejects.toThrow('fetch failed');
    expect(down.calls()).toBe(3);
  });

  it("takes the controller's answer as it is: an error is not sent again", async () => {
    const refused = flaky(0, () => json(401, { code: 'UNAUTHORIZED', message: 'bad token' }));
    await expect(
      createAgentClient('http://c', 't', 'h1', refused.fetchFn).register({}),
    ).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(refused.calls()).toBe(1);
  });
});
