// The app's general errors and the helpers every layer uses with them, defined once: a problem
// with a dataset's file (DatasetError, worded for people), a request a worker failed
// (WorkerError, which carries the DatasetError's code across the thread), and telling a stop
// (an AbortError) from a failure. Errors of one subsystem stay with it: the encoder's in
// encoder/encoder-error.ts, the imagery's in imagery/errors.ts. Pure: this module imports nothing.

export type DatasetErrorCode =
  | 'http' // the server answered with an error status
  | 'network' // no answer: offline, DNS, or CORS refused (the browser can't tell which)
  | 'truncated' // the body ended before the bytes asked for
  | 'empty' // zero bytes
  | 'not-parquet' // no PAR1 magic, or an unreadable footer
  | 'no-rows' // a valid file with zero rows
  | 'no-embedding-column'
  | 'ragged' // rows with different embedding lengths
  | 'bad-values' // NaN or infinite values in every row
  | 'no-geometry'
  | 'unsupported-crs'
  | 'aborted'
  | 'bad-listing' // an object-storage listing that isn't one (HTML, JSON, damaged XML, a loop)
  | 'unsupported-url' // a link a browser can't open (s3://, ftp:, a private bucket)
  | 'changed' // the file's size isn't the one its listing gave: it changed since
  | 'bad-index' // an archive index (docs/index-format.md) that is malformed, of another version, or doesn't add up
  | 'wrong-model' // an archive index made for another model's embeddings than the open set's

/** A problem with one file, worded for the person using the app. */
export class DatasetError extends Error {
  readonly code: DatasetErrorCode
  readonly fileName: string
  /** HTTP status, for code 'http'. */
  readonly status: number | undefined
  constructor(code: DatasetErrorCode, fileName: string, message: string, status?: number) {
    super(message)
    this.name = 'DatasetError'
    this.code = code
    this.fileName = fileName
    this.status = status
  }
}

/** What a worker's failed request says: a DatasetError's code, or 'internal' for anything else. */
export type WorkerErrorCode = DatasetErrorCode | 'internal'

/** A failed request, with the worker's error code and the file it concerns. */
export class WorkerError extends Error {
  readonly code: WorkerErrorCode
  readonly fileName: string | null
  /** The HTTP status of a DatasetError of code 'http', carried across. */
  readonly status: number | undefined
  constructor(e: { code: WorkerErrorCode; message: string; fileName: string | null; status?: number }) {
    super(e.message)
    this.name = 'WorkerError'
    this.code = e.code
    this.fileName = e.fileName
    this.status = e.status
  }
}

/** The error for a stop the caller asked for (what fetch throws on an aborted signal). */
export function abortError(message = 'Aborted'): DOMException {
  return new DOMException(message, 'AbortError')
}

/** Whether `err` is a stop rather than a failure: an AbortError, or a worker request that was aborted. */
export function isAbortError(err: unknown): boolean {
  return (err instanceof Error && err.name === 'AbortError') || (err instanceof WorkerError && err.code === 'aborted')
}

/** An error's message, or the thrown value as text when it isn't an Error. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
