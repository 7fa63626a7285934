import { setFlagsFromString } from 'node:v8';

/** V8's heap grows to live × (1 + this/100) before its next full GC (issue 14, P8). */
const CONTROLLER_HEAP_GROWING_PERCENT = 50;
const FLAG = '--heap-growing-percent';

/**
 * The controller's heap growth, bounded. V8 sizes the heap from the
 * allocation rate: an agent fleet joining (a 128-VF report per host, tens
 * a second) lets it grow to up to four times what is live, and an idle
 * fleet then never allocates fast enough to bring a full GC that would
 * shrink it back. At 10,000 agents that held 1.9 GB of RSS for about
 * 430 MB live; at 1.5 times live it held 840 MB, and the full GCs it costs
 * took no more CPU, idle or joining (docs/controller.md, "10,000 agents").
 * Set at run time, as the process starts; a value given on node's own
 * command line is left alone.
 */
export function boundControllerHeap(execArgv: readonly string[]): void {
  if (execArgv.some((a) => a.startsWith(FLAG) || a.startsWith('--heap_growing_percent'))) return;
  setFlagsFromString(`${FLAG}=${String(CONTROLLER_HEAP_GROWING_PERCENT)}`);
}
