import { setFlagsFromString } from 'node:v8';

/** How far the old generation may grow past what survived the last full collection: ×4. */
const HEAP_GROWING_PERCENT = 300;

/**
 * Sets the V8 heap policy of a process that runs a worker daemon; called once, at its start.
 *
 * Every streamed byte passes through short-lived Buffers (the pipe's reads, the joined record,
 * gRPC's frame), and V8 counts external bytes allocated since its last full collection against the
 * old generation's headroom. With the daemon's ~15 MB heap the default headroom is a few MB, so
 * once a stream is under way V8 can fall into marking the heap without end: a mark-compact every
 * ~40 ms, the daemon's CPU per 200 MB streamed ×4, the stream's throughput halved, for as long as
 * the process lives. Letting the old generation grow to 4× its live size before marking (~60 MB
 * here) ends that; the daemon's heap stays small, so the memory this costs is small too
 * (docs/streaming.md, "The daemon's heap marked without end").
 */
export function configureDaemonHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
