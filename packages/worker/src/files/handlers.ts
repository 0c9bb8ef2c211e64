import { lstatSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { GetFilesResponse, InlineFile, WorkerServiceServer } from '@aira/protocol';
import { BlobCache } from './blobs.js';
import {
  TransferError,
  presentBlobs,
  receiveFiles,
  sendFiles,
  writeInlineFiles,
  type FileContext,
} from './transfer.js';

export type FileHandlers = Pick<WorkerServiceServer, 'putFiles' | 'getFiles' | 'hasBlobs'>;

/** The file calls and, where the service can, the writer of an Exec's files (ExecRequest.files). */
export type FileService = FileHandlers & {
  /** Writes an Exec's files before the exec is queued; throws a ServiceError. */
  writeInline?: (sessionId: string, files: readonly InlineFile[]) => void;
};

const CODES: Record<TransferError['code'], status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  DATA_LOSS: status.DATA_LOSS,
};

function serviceError(err: unknown, what: string): ServiceError {
  const code = err instanceof TransferError ? CODES[err.code] : status.INTERNAL;
  const details = err instanceof TransferError ? err.message : `${what}: ${(err as Error).message}`;
  return { code, details, message: details, name: 'ServiceError', metadata: undefined as never };
}

/** PutFiles, GetFiles and HasBlobs for the worker service (registered beside the core handlers). */
export function createFileHandlers(ctx: FileContext): FileHandlers {
  return {
    putFiles: (call, cb) => {
      receiveFiles(ctx, call).then(
        (res) => cb(null, res),
        (err: unknown) => {
          // Stop reading what the client still sends; the error ends the call.
          call.destroy();
          cb(serviceError(err, 'put files'), null);
        },
      );
    },

    getFiles: (call) => {
      const signal = { cancelled: false };
      call.on('cancelled', () => (signal.cancelled = true));
      // Backpressure: wait for 'drain' whenever gRPC's buffer is full.
      const send = (msg: GetFilesResponse) =>
        new Promise<void>((resolve, reject) => {
          if (signal.cancelled) return reject(new Error('cancelled by the client'));
          if (call.write(msg)) resolve();
          else {
            const onDrain = () => {
              call.off('cancelled', onCancel);
              resolve();
            };
            const onCancel = () => {
              call.off('drain', onDrain);
              reject(new Error('cancelled by the client'));
            };
            call.once('drain', onDrain);
            call.once('cancelled', onCancel);
          }
        });
      sendFiles(ctx, call.request, send, signal).then(
        () => call.end(),
        (err: unknown) => {
          if (!signal.cancelled) call.emit('error', serviceError(err, 'get files'));
        },
      );
    },

    hasBlobs: (call, cb) => {
      cb(null, { present: presentBlobs(ctx.cache, call.request.sha256) });
    },
  };
}

/** What the daemon hands to its file handlers (WorkerDaemon's FileServiceContext). */
export interface DaemonFileContext {
  workdir: string;
  session(id: string): { root: string; dataDir: string } | undefined;
}

/**
 * File handlers over the daemon's sessions, with the blob cache in `<workdir>/blobs`. A data
 * folder that is a link to a shared folder is read from there and never written; cached blobs are
 * hard-linked into data/ only when candidate code sees data/ read-only (`sandboxed`).
 */
export function createDaemonFileHandlers(
  ctx: DaemonFileContext,
  options: { sandboxed: boolean },
): FileService {
  const cache = new BlobCache(join(ctx.workdir, 'blobs'));
  const files: FileContext = {
    cache,
    session: (id) => {
      const s = ctx.session(id);
      if (!s) return undefined;
      let dataPath: string | undefined;
      try {
        if (lstatSync(s.dataDir).isSymbolicLink()) dataPath = realpathSync(s.dataDir);
      } catch {
        /* no data folder yet */
      }
      return { root: s.root, dataPath, linkData: options.sandboxed };
    },
  };
  return {
    ...createFileHandlers(files),
    writeInline: (sessionId, inline) => {
      try {
        writeInlineFiles(files, sessionId, inline);
      } catch (err) {
        throw serviceError(err, 'exec files');
      }
    },
  };
}
