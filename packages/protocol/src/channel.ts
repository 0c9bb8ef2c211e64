import type { ChannelOptions } from '@grpc/grpc-js';

/** Channel options every aira client and server share (as Temporal's Connection does). */
export const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 15_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  // The window a client advertises for what it receives (per stream and for the connection).
  // HTTP/2's default of 64 KiB held an exec's output stream to one window per round trip
  // (~30 MB/s on a loaded host); 4 MiB covers a fast stream's round trip while bounding what a
  // paused stream can hold in the client's memory.
  'grpc-node.flow_control_window': 4 * 1024 * 1024,
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 5_000,
};

/** Default deadline of a unary control call. */
export const DEFAULT_UNARY_DEADLINE_MS = 30_000;
