// Why imagery for a drawn area could not be had, worded for the person who drew it: what is
// wrong, then what to do. `kind` lets the UI react (e.g. offer wider dates for 'no-scenes').

export type ImageryErrorKind = 'no-scenes' | 'all-cloudy' | 'too-large' | 'not-covered' | 'http' | 'aborted'

export class ImageryError extends Error {
  override name = 'ImageryError'
  readonly kind: ImageryErrorKind
  constructor(kind: ImageryErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.kind = kind
  }
}

/** The error for a stop the caller asked for. */
export function abortedError(): ImageryError {
  return new ImageryError('aborted', 'Stopped: the imagery was not read to the end.')
}

/** Throws the 'aborted' error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError()
}

/** Whether `error` is a stop (an AbortError from fetch, or ours). */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true
  if (error instanceof ImageryError) return error.kind === 'aborted'
  return error instanceof Error && error.name === 'AbortError'
}
