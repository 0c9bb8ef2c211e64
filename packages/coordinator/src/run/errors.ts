import { status } from '@grpc/grpc-js';
import { ExecGoneError, WorkerLostError } from '../agent/types.js';

/** Codes that mean the candidate asked for something wrong; anything else from gRPC is the infrastructure's. */
const CANDIDATE_FAULT = new Set([
  status.INVALID_ARGUMENT,
  status.FAILED_PRECONDITION,
  status.OUT_OF_RANGE,
  status.PERMISSION_DENIED,
]);

/**
 * True when an attempt failed because of the worker or the network, not the job: the attempt is
 * abandoned and the job re-run elsewhere rather than recorded as a failed candidate.
 */
export function isInfrastructureError(err: unknown): boolean {
  if (err instanceof WorkerLostError || err instanceof ExecGoneError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && !CANDIDATE_FAULT.has(code);
}
