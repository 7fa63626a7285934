/**
 * Reads a `text/event-stream` answer as it arrives (fetch's body stream),
 * parsed into messages by the SSE rules a browser's EventSource follows.
 */
export interface SseMessage {
  readonly id: string | null;
  readonly event: string | null;
  readonly data: string;
  readonly retry: number | null;
  /** Comment lines (`: keepalive`) of the block, without the colon. */
  readonly comments: readonly string[];
}

export interface SseReader {
  readonly status: number;
  readonly headers: Headers;
  /** The next block (message, retry or comment), or null once the stream ended; throws after `ms`. */
  next(ms?: number): Promise<SseMessage | null>;
  /** The next `event: fleet` message's data, parsed; null once the stream ended. */
  nextEvent(ms?: number): Promise<Record<string, unknown> | null>;
  /** Hangs up. */
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseReader> {
  const hangup = new AbortController();
  const res = await fetch(url, { headers, signal: hangup.signal });
  const body = res.body;
  if (body === null) throw new Error(`no body from ${url}`);
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let done = false;
  const blocks: string[] = [];
  // A read left pending by a time-out is awaited by the next call, so no chunk is lost.
  let pending: ReturnType<typeof reader.read> | null = null;
  async function fill(deadline: number): Promise<void> {
    while (blocks.length === 0 && !done) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SSE message within the time; received so far: ${buffer}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => {
          r('timeout');
        }, left);
      });
      pending ??= reader.read();
      const chunk = await Promise.race([pending, timeout]).finally(() => {
        clearTimeout(timer);
      });
      if (chunk === 'timeout') continue;
      pending = null;
      if (chunk.done) done = true;
      else buffer += chunk.value;
      const parts = buffer.split(/\r?\n\r?\n/);
      buffer = parts.pop() ?? '';
      blocks.push(...parts.filter((p) => p !== ''));
    }
  }
  const next = async (ms = 5_000): Promise<SseMessage | null> => {
    await fill(Date.now() + ms);
    const block = blocks.shift();
    return block === undefined ? null : parseBlock(block);
  };
  return {
    status: res.status,
    headers: res.headers,
    next,
    async nextEvent(ms = 5_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = await next(Math.max(1, deadline - Date.now()));
        if (m === null) return null;
        if (m.event === 'fleet') return JSON.parse(m.data) as Record<string, unknown>;
      }
    },
    close() {
      hangup.abort();
    },
  };
}

function parseBlock(block: string): SseMessage {
  let id: string | null = null;
  let event: string | null = null;
  let retry: number | null = null;
  const data: string[] = [];
  const comments: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const at = line.indexOf(':');
    const field = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'retry') retry = Number(value);
    else if (field === 'data') data.push(value);
  }
  return { id, event, data: data.join('\n'), retry, comments };
}
