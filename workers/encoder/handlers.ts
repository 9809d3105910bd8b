// The encoder worker's handlers: one onnxruntime-web session at a time, on the backend asked for
// where it works. onnxruntime-web given ['webgpu', 'wasm'] falls back without saying so, so each
// session is created with one execution provider, and when WebGPU fails (at creation or in a
// run) the session is made again on WebAssembly and a note says so.

import type * as OrtModule from 'onnxruntime-web'
import { EncoderError, encoderAborted } from '../../app/lib/encoder/encoder-error.ts'
import { errorMessage, isAbortError } from '../../app/lib/errors.ts'
import { fetchModel as defaultFetchModel, type FetchModelOptions, type FetchedModel } from '../../app/lib/encoder/model-fetch.ts'
import type { BackendChoice } from '../../app/lib/vocabulary.ts'
import type { Handlers } from '../rpc/rpc.ts'
import type {
  Backend,
  EncoderLoadResult,
  EncoderProtocol,
  EncoderRunResult,
  LoadParams,
  ModelSource,
  Outcome,
  RunParams,
  WebGpuFailure,
} from './protocol.ts'

type Ort = typeof OrtModule
type Session = OrtModule.InferenceSession

/** What the WebGPU probe found. */
export interface WebGpuProbe {
  /** The adapter in words, e.g. "nvidia ampere" or "google swiftshader"; '' when the browser says nothing. */
  name: string
  /** A fallback adapter that draws on the CPU (SwiftShader): correct, but slower than WebAssembly. */
  software: boolean
}

/** Everything the handlers take from where they run; the worker entry gives the browser's. */
export interface EncoderEnvironment {
  /** onnxruntime-web with its files' locations set and `threads` WebAssembly threads; called once. */
  loadOrt(threads: number): Promise<Ort>
  /** The WebGPU adapter, or null when the browser has none (or refuses one). */
  probeWebGpu(): Promise<WebGpuProbe | null>
  /** True when the page is cross-origin isolated, so WebAssembly may use threads. */
  crossOriginIsolated(): boolean
  /** Logical processors (navigator.hardwareConcurrency). */
  cores(): number
  fetchModel?: (source: ModelSource, options: FetchModelOptions) => Promise<FetchedModel>
}

/** WebAssembly threads to ask for: a few when the page may share memory, else one. */
export function wasmThreads(crossOriginIsolated: boolean, cores: number, max: number | null = null): number {
  const n = crossOriginIsolated ? Math.max(1, Math.min(4, Math.floor(cores) || 1)) : 1
  return max !== null && max >= 1 ? Math.min(n, Math.floor(max)) : n
}

/** The WebGPU adapter of this browser, from navigator.gpu (in a worker too). */
export async function probeNavigatorGpu(): Promise<WebGpuProbe | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu
  if (!gpu) return null
  try {
    const adapter = await gpu.requestAdapter()
    if (!adapter) return null
    const info = adapter.info as Partial<GPUAdapterInfo> | undefined
    const name = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || info?.description || ''
    const software = info?.isFallbackAdapter === true || /swiftshader|llvmpipe|software/i.test(`${name} ${info?.description ?? ''}`)
    return { name, software }
  } catch {
    return null
  }
}

const threadWords = (n: number) => `${n} thread${n === 1 ? '' : 's'}`

function reason(err: unknown): string {
  const text = errorMessage(err)
  const line = text.split('\n').find((l) => l.trim()) ?? 'no reason given'
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

interface Loaded {
  key: string
  model: ModelSource
  session: Session
  backend: Backend
  /** Tests: the WebGPU session's next run throws. */
  failNextRun: boolean
  result: EncoderLoadResult
}

export function createEncoderHandlers(env: EncoderEnvironment): Handlers<EncoderProtocol> {
  const fetchModel = env.fetchModel ?? defaultFetchModel
  let ortPromise: Promise<Ort> | null = null
  let threads = 1
  let current: Loaded | null = null
  // One step at a time: onnxruntime-web refuses concurrent runs of one session, and a load
  // replacing the session under a run would break it.
  let queue: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(step: () => Promise<T>): Promise<T> => {
    const next = queue.then(step, step)
    queue = next.catch(() => undefined)
    return next
  }

  function ort(maxThreads: number | null): Promise<Ort> {
    if (!ortPromise) {
      threads = wasmThreads(env.crossOriginIsolated(), env.cores(), maxThreads)
      ortPromise = env.loadOrt(threads).catch((err: unknown) => {
        ortPromise = null
        throw new EncoderError('backend', `This browser could not start onnxruntime, which runs the encoder: ${reason(err)}. Try a current Chrome, Edge, Firefox or Safari.`)
      })
    }
    return ortPromise
  }

  function cpuWords(): string {
    const why = threads === 1 && !env.crossOriginIsolated() ? ' (one thread: the page is not cross-origin isolated)' : ''
    return `the CPU (WebAssembly, ${threadWords(threads)})${why}`
  }

  async function create(o: Ort, bytes: Uint8Array, backend: Backend, fail: WebGpuFailure | null): Promise<Session> {
    if (backend === 'webgpu' && fail === 'create') throw new Error('WebGPU failure simulated for a test')
    // Severity 3 (errors only): onnxruntime's warnings reach console.error through Emscripten,
    // e.g. that it placed shape operators on the CPU beside WebGPU, which is by design.
    return o.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: 'all', logSeverityLevel: 3 })
  }

  async function release(): Promise<void> {
    const old = current
    current = null
    await old?.session.release().catch(() => undefined)
  }

  async function load(params: LoadParams, signal: AbortSignal, progress: (p: { loaded: number; total: number | null }) => void): Promise<EncoderLoadResult> {
    const fail = params.failWebGpu ?? null
    const key = JSON.stringify([params.model.url, params.model.sha256, params.backend, fail])
    if (current?.key === key) return { ...current.result, fromCache: true }
    await release()
    const o = await ort(params.maxThreads ?? null)
    const fetched = await fetchModel(params.model, { signal, onProgress: progress })
    if (signal.aborted) throw encoderAborted()

    const notes: string[] = []
    let backend: Backend = 'wasm'
    const choice: BackendChoice = params.backend
    if (choice !== 'wasm') {
      const probe = await env.probeWebGpu()
      if (!probe) notes.push(`This browser has no WebGPU: the encoder runs on ${cpuWords()}.`)
      else if (probe.software && choice === 'auto')
        notes.push(`This browser's WebGPU draws in software${probe.name ? ` (${probe.name})` : ''}, slower than WebAssembly: the encoder runs on ${cpuWords()}.`)
      else backend = 'webgpu'
      if (backend === 'webgpu') notes.push(`The encoder runs on the GPU (WebGPU${probe?.name ? `, ${probe.name}` : ''})${probe?.software ? ', drawn in software, so slowly' : ''}.`)
    } else notes.push(`The encoder runs on ${cpuWords()}, as asked.`)

    let session: Session | null = null
    if (backend === 'webgpu') {
      try {
        session = await create(o, fetched.bytes, 'webgpu', fail)
      } catch (err) {
        backend = 'wasm'
        notes.splice(0, notes.length, `WebGPU could not start the encoder (${reason(err)}): it runs on ${cpuWords()} instead.`)
      }
    }
    if (!session) {
      try {
        session = await create(o, fetched.bytes, 'wasm', null)
      } catch (err) {
        throw new EncoderError(
          'backend',
          `The encoder "${params.model.id}" could not be started: ${reason(err)}. The file may not be an ONNX model this version of onnxruntime reads; check the model's manifest.`,
        )
      }
    }
    const result: EncoderLoadResult = {
      backend,
      threads,
      fromCache: fetched.fromCache,
      notes,
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
    }
    current = { key, model: params.model, session, backend, failNextRun: backend === 'webgpu' && fail === 'run', result }
    if (signal.aborted) throw encoderAborted()
    return result
  }

  function tensors(o: Ort, loaded: Loaded, feeds: RunParams['feeds']): Record<string, OrtModule.Tensor> {
    const names = loaded.session.inputNames
    const missing = names.filter((n) => !(n in feeds))
    const extra = Object.keys(feeds).filter((n) => !names.includes(n))
    if (missing.length || extra.length)
      throw new EncoderError(
        'run',
        `The encoder "${loaded.model.id}" takes the inputs ${names.join(', ')}${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; not its own: ${extra.join(', ')}` : ''}. Its manifest and the model file disagree.`,
      )
    const out: Record<string, OrtModule.Tensor> = {}
    for (const name of names) {
      const t = feeds[name]!
      const size = t.dims.reduce((a, b) => a * b, 1)
      if (size !== t.data.length)
        throw new EncoderError('run', `The input "${name}" has ${t.data.length} values, but its shape [${t.dims.join(', ')}] needs ${size}.`)
      out[name] = new o.Tensor('float32', t.data, t.dims)
    }
    return out
  }

  async function runOnce(loaded: Loaded, feeds: Record<string, OrtModule.Tensor>, outputName: string): Promise<{ output: Float32Array; dims: number[] }> {
    if (loaded.failNextRun) {
      loaded.failNextRun = false
      throw new Error('WebGPU failure simulated for a test')
    }
    const results = await loaded.session.run(feeds, [outputName])
    const t = results[outputName]
    if (!t) throw new Error(`no output named ${outputName}`)
    try {
      if (t.type !== 'float32') throw new Error(`its output "${outputName}" is ${t.type}, not float32`)
      // A copy the size of the output: it is transferred to the page, and the tensor's own
      // memory is released.
      return { output: new Float32Array(t.data as Float32Array), dims: [...t.dims] }
    } finally {
      for (const r of Object.values(results)) r.dispose()
    }
  }

  async function run(params: RunParams, signal: AbortSignal): Promise<EncoderRunResult> {
    const loaded = current
    if (!loaded) throw new EncoderError('run', 'No encoder is loaded yet: load one before encoding.')
    if (signal.aborted) throw encoderAborted()
    const o = await ort(null)
    if (!loaded.session.outputNames.includes(params.outputName))
      throw new EncoderError(
        'run',
        `The encoder "${loaded.model.id}" has no output "${params.outputName}" (it has ${loaded.session.outputNames.join(', ')}). Its manifest and the model file disagree.`,
      )
    const feeds = tensors(o, loaded, params.feeds)
    const notes: string[] = []
    const t0 = performance.now()
    let out: { output: Float32Array; dims: number[] }
    try {
      out = await runOnce(loaded, feeds, params.outputName)
    } catch (err) {
      if (err instanceof EncoderError) throw err
      if (loaded.backend !== 'webgpu') throw new EncoderError('run', `The encoder failed on these inputs: ${reason(err)}.`)
      // WebGPU failed mid-run (a lost device, an operator it can't run): the same model again on
      // WebAssembly, and the session stays there for the runs that follow.
      const note = `WebGPU failed while encoding (${reason(err)}): switched to ${cpuWords()} and encoded again.`
      await loaded.session.release().catch(() => undefined)
      let session: Session
      try {
        const fetched = await fetchModel(loaded.model, { signal })
        session = await create(o, fetched.bytes, 'wasm', null)
      } catch (e) {
        current = null
        if (e instanceof EncoderError) throw e
        throw new EncoderError('backend', `WebGPU failed while encoding, and WebAssembly could not start the encoder either: ${reason(e)}.`)
      }
      loaded.session = session
      loaded.backend = 'wasm'
      loaded.result = { ...loaded.result, backend: 'wasm', notes: [...loaded.result.notes, note] }
      notes.push(note)
      try {
        out = await runOnce(loaded, feeds, params.outputName)
      } catch (e) {
        throw new EncoderError('run', `The encoder failed on these inputs: ${reason(e)}.`)
      }
    }
    const ms = performance.now() - t0
    if (signal.aborted) throw encoderAborted()
    return { ...out, backend: loaded.backend, ms, notes }
  }

  async function outcome<T>(step: () => Promise<T>, signal: AbortSignal): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await step() }
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return { ok: false, error: { kind: 'aborted', message: encoderAborted().message } }
      if (err instanceof EncoderError) return { ok: false, error: { kind: err.kind, message: err.message } }
      return { ok: false, error: { kind: 'backend', message: `The encoder stopped on an unexpected error: ${reason(err)}.` } }
    }
  }

  return {
    load: (params, ctx) => exclusive(() => outcome(() => load(params, ctx.signal, ctx.progress), ctx.signal)),
    run: (params, ctx) => exclusive(() => outcome(() => run(params, ctx.signal), ctx.signal)),
    release: () => exclusive(async () => (await release(), null)),
  }
}
