// The page's side of the encoder worker: load a model, run it, get a Float32Array back. Errors
// are EncoderErrors with a kind and a message for people.

import { EncoderError, encoderAborted } from '../../app/lib/encoder/encoder-error.ts'
import { errorMessage, isAbortError } from '../../app/lib/errors.ts'
import { inProcessClient, RpcClient, workerClient } from '../rpc/rpc.ts'
import type { BackendChoice } from '../../app/lib/vocabulary.ts'
import { browserEncoderEnvironment } from './browser-env.ts'
import { createEncoderHandlers, type EncoderEnvironment } from './handlers.ts'
import {
  transferEncoderParams,
  transferEncoderResult,
  type EncoderLoadResult,
  type EncoderProtocol,
  type EncoderRunResult,
  type ModelFetchProgress,
  type ModelSource,
  type Outcome,
  type Tensor,
  type WebGpuFailure,
} from './protocol.ts'

export { EncoderError, isEncoderError, type EncoderErrorKind } from '../../app/lib/encoder/encoder-error.ts'
export type { Backend, EncoderLoadResult, EncoderRunResult, ModelSource, Tensor, WebGpuFailure } from './protocol.ts'

export interface LoadOptions {
  signal?: AbortSignal
  onProgress?: (p: ModelFetchProgress) => void
  /** Tests only: pretend WebGPU fails at session creation or on the first run. */
  failWebGpu?: WebGpuFailure | null
  /** Benchmarks only: at most this many WebAssembly threads (the worker's first load decides). */
  maxThreads?: number | null
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value
  throw new EncoderError(outcome.error.kind, outcome.error.message)
}

function rethrow(err: unknown): never {
  if (err instanceof EncoderError) throw err
  if (isAbortError(err)) throw encoderAborted()
  const message = errorMessage(err)
  throw new EncoderError('backend', `The encoder's worker stopped: ${message}. Reload the page and try again.`)
}

/** A model URL made absolute against the page, so the worker fetches what the page meant. */
function absoluteSource(model: ModelSource): ModelSource {
  const base = typeof location !== 'undefined' ? location.href : undefined
  return { ...model, url: new URL(model.url, base).href }
}

export class EncoderClient {
  constructor(
    /** The RPC channel to the handlers (a worker, or this thread). */
    readonly rpc: RpcClient<EncoderProtocol>,
  ) {}

  /**
   * Download (or take from the cache) a model and start a session on `backend`; the same model
   * and backend again reuse the session. Progress is the download's, in bytes.
   */
  load(model: ModelSource, backend: BackendChoice, opts: LoadOptions = {}): Promise<EncoderLoadResult> {
    const params = { model: absoluteSource(model), backend, failWebGpu: opts.failWebGpu ?? null, maxThreads: opts.maxThreads ?? null }
    return this.rpc
      .call('load', params, { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) })
      .then(unwrap, rethrow)
  }

  /**
   * Run the loaded model on `feeds` (every input by name) and answer the output `outputName`.
   * Input arrays of 64 kB or more are transferred to the worker: don't reuse them afterwards.
   */
  run(feeds: Record<string, Tensor>, outputName: string, opts: { signal?: AbortSignal } = {}): Promise<EncoderRunResult> {
    return this.rpc.call('run', { feeds, outputName }, opts.signal ? { signal: opts.signal } : {}).then(unwrap, rethrow)
  }

  /** Stop the worker and free its session. */
  dispose(): void {
    this.rpc.terminate()
  }
}

/** Handlers in this thread, behind the same client (tests; browsers whose workers can't start). */
export function createInProcessEncoderClient(env: EncoderEnvironment = browserEncoderEnvironment): EncoderClient {
  return new EncoderClient(inProcessClient(createEncoderHandlers(env), transferEncoderParams, transferEncoderResult))
}

export function createEncoderClient(): EncoderClient {
  return new EncoderClient(
    workerClient<EncoderProtocol>(
      () => new Worker(new URL('./encoder.worker.ts', import.meta.url), { type: 'module', name: 'encoder' }),
      () => createInProcessEncoderClient().rpc,
      transferEncoderParams,
    ),
  )
}
