import type {
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
  ServerUnaryCall,
  ServerReadableStream,
  ServerWritableStream,
  sendUnaryData,
} from '@grpc/grpc-js';
import { hasValidToken, unauthenticated } from './auth.js';

/**
 * Wraps every handler of a service so that a call without the right bearer token is refused with
 * UNAUTHENTICATED before any of the handler's code runs.
 */
export function withAuth<T extends UntypedServiceImplementation>(
  definition: ServiceDefinition,
  impl: T,
  token: string,
): UntypedServiceImplementation {
  const wrapped: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    // grpc-js accepts handlers under the method's key (`Check`) or its originalName (`check`).
    const handler = (impl[name] ?? (method.originalName ? impl[method.originalName] : undefined)) as
      UntypedHandleCall | undefined;
    if (!handler) continue;
    const fn = handler as (...args: unknown[]) => unknown;
    if (!method.responseStream) {
      // unary and client-streaming: (call, callback)
      wrapped[name] = ((
        call: ServerUnaryCall<unknown, unknown> | ServerReadableStream<unknown, unknown>,
        cb: sendUnaryData<unknown>,
      ) => {
        if (!hasValidToken(call.metadata, token)) return cb(unauthenticated() as never, null);
        return fn(call, cb);
      }) as UntypedHandleCall;
    } else {
      wrapped[name] = ((call: ServerWritableStream<unknown, unknown>) => {
        if (!hasValidToken(call.metadata, token)) {
          call.emit('error', unauthenticated());
          return;
        }
        return fn(call);
      }) as UntypedHandleCall;
    }
  }
  return wrapped;
}
