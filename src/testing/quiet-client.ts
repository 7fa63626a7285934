import type { AgentClient } from '../agent/agent-client.js';

/**
 * An agent's controller that has nothing new for it: every call succeeds
 * and the long poll waits until the agent stops. A test overrides the
 * calls it watches.
 */
export const quietClient = (over: Partial<AgentClient> = {}): AgentClient => ({
  register: () => Promise.resolve(),
  report: () => Promise.resolve(null),
  heartbeat: () => Promise.resolve(true),
  desired: (_after, _wait, signal) =>
    new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => {
        reject(new Error('abort'));
      });
    }),
  applied: () => Promise.resolve(),
  taskDone: () => Promise.resolve(),
  ...over,
});
