/**
 * Runs tasks one at a time, in arrival order. The embedded store has one
 * connection, so concurrent schedule-and-claim rounds could only interleave
 * their reads and lose races to each other; serialized, each request reads
 * and claims once.
 */
export function createSerial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
