import {
  status,
  type ServiceDefinition,
  type ServiceError,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ExecKind, type ExecRequest, type Limits } from '@aira/protocol';
import { ID_PATTERN } from './options.js';
import { limitValues } from './sandbox/limits.js';

/**
 * Checks of requests at the service boundary: a request the worker cannot run is refused with
 * INVALID_ARGUMENT and a line that names the field, before anything is queued, so no client
 * (ours or one generated from proto/) is ever left waiting on an exec that was never started.
 */

/** The longest wall_ms a timer can hold: Node's setTimeout fires at once past 2^31-1 ms (~24.8 days). */
export const MAX_WALL_MS = 2 ** 31 - 1;

export function invalid(details: string): ServiceError {
  return {
    code: status.INVALID_ARGUMENT,
    details,
    message: details,
    name: 'ServiceError',
    metadata: undefined as never,
  };
}

/** The first problem of a Limits message (`field` is its path in the request), or undefined. */
export function checkLimits(limits: Limits | undefined, field = 'limits'): string | undefined {
  if (!limits) return undefined;
  const numbers: [keyof Limits, string][] = [
    ['wallMs', 'wall_ms'],
    ['memoryBytes', 'memory_bytes'],
    ['maxProcesses', 'max_processes'],
    ['maxOutputBytes', 'max_output_bytes'],
    ['maxDiskBytes', 'max_disk_bytes'],
  ];
  for (const [key, name] of numbers) {
    const v = limits[key] as number;
    if (!Number.isSafeInteger(v) || v < 0)
      return `${field}.${name}: ${v} is not a whole number of ${name.endsWith('ms') ? 'milliseconds' : 'units'} (0 means the worker's default)`;
  }
  if (limits.wallMs > MAX_WALL_MS)
    return `${field}.wall_ms: ${limits.wallMs} ms is more than a worker can time (at most ${MAX_WALL_MS} ms, about 24 days; 0 means the worker's default)`;
  try {
    limitValues(limits);
  } catch (err) {
    return `${field}.cpuset: ${(err as Error).message}`;
  }
  return undefined;
}

/** The first problem of an ExecRequest that no session lookup is needed to see, or undefined. */
export function checkExecRequest(req: ExecRequest): string | undefined {
  if (!req.sessionId) return 'session_id: required (the id OpenSession returned)';
  if (req.execId && !ID_PATTERN.test(req.execId))
    return `exec_id "${req.execId}": letters, digits and . _ : - only, starting with a letter or digit (at most 128)`;
  if (req.kind !== ExecKind.EXEC_KIND_BASH && req.kind !== ExecKind.EXEC_KIND_PYTHON)
    return `kind: must be EXEC_KIND_BASH (1) or EXEC_KIND_PYTHON (2) (got ${req.kind})`;
  if (req.kind === ExecKind.EXEC_KIND_BASH && req.code.includes('\0'))
    return 'code: a shell command cannot contain a NUL byte';
  let inline = 0;
  for (const [i, f] of req.files.entries()) {
    if (!f.path) return `files[${i}].path: required`;
    if (f.data.length > INLINE_FILE_BYTES)
      return `files[${i}] (${f.path}): ${f.data.length} bytes, at most ${INLINE_FILE_BYTES} travel with an exec (PutFiles takes larger files)`;
    inline += f.data.length;
  }
  if (inline > INLINE_TOTAL_BYTES)
    return `files: ${inline} bytes in all, at most ${INLINE_TOTAL_BYTES} travel with an exec (PutFiles takes the rest)`;
  return checkLimits(req.limits);
}

/** ExecRequest.files: at most this much a file and in all (exec.proto). */
export const INLINE_FILE_BYTES = 64 * 1024;
export const INLINE_TOTAL_BYTES = 1024 * 1024;

/** Marks a request whose bytes could not be decoded (e.g. a 64-bit number past 2^53). */
const UNDECODABLE = Symbol('undecodable request');
interface Undecodable {
  [UNDECODABLE]: string;
}

function undecodable(request: unknown): string | undefined {
  return request && typeof request === 'object' && UNDECODABLE in request
    ? (request as Undecodable)[UNDECODABLE]
    : undefined;
}

/**
 * The definition with tolerant request decoding for calls that take one request (all but
 * PutFiles): a message that does not decode reaches the handler as a marker instead of failing
 * inside grpc-js as INTERNAL, and `refuseUndecodable` answers it with INVALID_ARGUMENT.
 */
export function tolerantDecoding(definition: ServiceDefinition): ServiceDefinition {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    if (method.requestStream) {
      out[name] = method;
      continue;
    }
    const decode = method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return decode(bytes) as unknown;
        } catch (err) {
          return {
            [UNDECODABLE]: `${method.path}: the request does not decode: ${(err as Error).message} (64-bit numbers must be below 2^53)`,
          };
        }
      },
    };
  }
  return out as ServiceDefinition;
}

/** Wraps handlers so that an undecodable request is refused with INVALID_ARGUMENT. */
export function refuseUndecodable(
  definition: ServiceDefinition,
  impl: UntypedServiceImplementation,
): UntypedServiceImplementation {
  const wrapped: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const handler = (impl[name] ?? (method.originalName ? impl[method.originalName] : undefined)) as
      ((...a: unknown[]) => unknown) | undefined;
    if (!handler) continue;
    if (method.requestStream) {
      wrapped[name] = handler as UntypedHandleCall;
    } else if (method.responseStream) {
      wrapped[name] = ((call: { request: unknown; emit(e: 'error', err: ServiceError): void }) => {
        const why = undecodable(call.request);
        if (why) return void call.emit('error', invalid(why));
        return handler(call);
      }) as UntypedHandleCall;
    } else {
      wrapped[name] = ((call: { request: unknown }, cb: (err: ServiceError | null, res: unknown) => void) => {
        const why = undecodable(call.request);
        if (why) return cb(invalid(why), null);
        return handler(call, cb);
      }) as UntypedHandleCall;
    }
  }
  return wrapped;
}
