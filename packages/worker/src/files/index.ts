export { BlobCache, hashFile, EMPTY_SHA256, type Materialize } from './blobs.js';
export {
  createFileHandlers,
  createDaemonFileHandlers,
  type FileHandlers,
  type FileService,
  type DaemonFileContext,
} from './handlers.js';
export {
  receiveFiles,
  sendFiles,
  writeInlineFiles,
  TransferError,
  type FileContext,
  type FileSessionView,
} from './transfer.js';
export { pathSegments, PathError, WRITABLE_TOPS } from './paths.js';
export {
  uploadFolder,
  uploadFiles,
  downloadFiles,
  fetchFiles,
  listFolder,
  type UploadEntry,
  type UploadResult,
  type UploadOptions,
  type DownloadedFile,
  type FetchedFile,
} from './client.js';
