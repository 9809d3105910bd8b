// What can go wrong while loading or running an encoder, worded for the person waiting on it.

/**
 * - download: the model file could not be fetched (HTTP error, no answer, cut off half way);
 * - checksum: it arrived, but is not the file its manifest names;
 * - backend: no execution provider could start the model (WebAssembly missing, a broken file);
 * - run: the model started but failed on these inputs;
 * - aborted: the person (or a newer request) cancelled it.
 */
export type EncoderErrorKind = 'download' | 'checksum' | 'backend' | 'run' | 'aborted'

export class EncoderError extends Error {
  readonly kind: EncoderErrorKind
  constructor(kind: EncoderErrorKind, message: string) {
    super(message)
    this.name = 'EncoderError'
    this.kind = kind
  }
}

export function isEncoderError(err: unknown): err is EncoderError {
  return err instanceof EncoderError
}

/** The cancellation error every encoder step throws. */
export function encoderAborted(): EncoderError {
  return new EncoderError('aborted', 'The encoder was stopped before it finished.')
}
