// The encoder worker's protocol. The worker owns one onnxruntime-web InferenceSession (created
// on the first load, kept while the same model and backend are asked for) and runs it; the page
// sends input tensors and receives one output tensor. Any model with float32 inputs and outputs
// runs here: what the inputs mean is the manifest's business (app/lib/encoder/).
//
// Failures come back as results ({ ok: false, error }) rather than thrown, so that their kind
// survives the trip between threads; the client turns them back into EncoderErrors.

import type { EncoderErrorKind } from '../../app/lib/encoder/encoder-error.ts'
import type { ModelFetchProgress, ModelSource } from '../../app/lib/encoder/model-fetch.ts'
import type { BackendChoice } from '../../app/lib/vocabulary.ts'

export type { ModelSource, ModelFetchProgress }

/** The execution provider that actually ran. */
export type Backend = 'webgpu' | 'wasm'

/** A float32 tensor, row-major. */
export interface Tensor {
  data: Float32Array
  dims: number[]
}

export interface EncoderLoadResult {
  backend: Backend
  /** WebAssembly threads (1 unless the page is cross-origin isolated). */
  threads: number
  /** True when the model file came from Cache Storage, with no download. */
  fromCache: boolean
  /** Sentences for people: which backend and why, and any fallback. */
  notes: string[]
  inputNames: string[]
  outputNames: string[]
}

export interface EncoderRunResult {
  /** The output asked for (transferred). */
  output: Float32Array
  dims: number[]
  /** The backend that produced it (WASM after a WebGPU failure mid-run). */
  backend: Backend
  /** Time in session.run, ms (a fallback's re-run included). */
  ms: number
  notes: string[]
}

/** For tests: make WebGPU fail when the session is created, or on its first run. */
export type WebGpuFailure = 'create' | 'run'

export interface LoadParams {
  model: ModelSource
  backend: BackendChoice
  /** Tests only: pretend WebGPU fails here. */
  failWebGpu?: WebGpuFailure | null
  /** Benchmarks only: at most this many WebAssembly threads. Takes effect on the worker's first session. */
  maxThreads?: number | null
}

export interface RunParams {
  /** Every input the model has, by name. Arrays of 64 kB or more are transferred (emptied on the
   * sending side); smaller ones (time, latlon, waves, gsd) are copied, so constants can be reused. */
  feeds: Record<string, Tensor>
  outputName: string
}

export interface SerializedEncoderError {
  kind: EncoderErrorKind
  message: string
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SerializedEncoderError }

export type EncoderProtocol = {
  /** Download (or find in the cache) a model and start a session for it. */
  load: { params: LoadParams; result: Outcome<EncoderLoadResult>; progress: ModelFetchProgress }
  /** Run the loaded session. */
  run: { params: RunParams; result: Outcome<EncoderRunResult>; progress: never }
  /** Release the session (and its GPU memory). */
  release: { params: null; result: null; progress: never }
}

/** Input arrays at least this large move to the worker instead of being copied. */
export const TRANSFER_MIN_BYTES = 64 * 1024

export const transferEncoderParams = (params: unknown): Transferable[] => {
  const p = params as Partial<RunParams> | null
  if (!p?.feeds) return []
  const buffers = new Set<ArrayBuffer>()
  for (const t of Object.values(p.feeds))
    if (t.data.buffer instanceof ArrayBuffer && t.data.byteLength >= TRANSFER_MIN_BYTES && t.data.byteLength === t.data.buffer.byteLength) buffers.add(t.data.buffer)
  return [...buffers]
}

export const transferEncoderResult = (result: unknown): Transferable[] => {
  const r = result as Partial<Outcome<Partial<EncoderRunResult>>> | null
  const output = r && r.ok ? r.value?.output : undefined
  return output && output.buffer instanceof ArrayBuffer ? [output.buffer] : []
}
