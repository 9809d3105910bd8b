// The encoder worker's real handlers, through the same client the page uses, with the real
// onnxruntime-web running the committed test encoder on WebAssembly in Node, checked against
// PyTorch's forward pass saved in reference.json.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { maxAbsDiff, referenceFeeds, type EncoderReference } from '../../app/lib/encoder/reference-inputs.ts'
import type { ModelSource } from '../../app/lib/encoder/model-fetch.ts'
import { createInProcessEncoderClient, EncoderError } from './client.ts'
import { wasmThreads, type EncoderEnvironment, type WebGpuProbe } from './handlers.ts'

const DIR = path.resolve(import.meta.dirname, '../../models/test-encoder')
const bytes = new Uint8Array(await readFile(path.join(DIR, 'encoder.onnx')))
const ref = JSON.parse(await readFile(path.join(DIR, 'reference.json'), 'utf8')) as EncoderReference
const manifest = JSON.parse(await readFile(path.join(DIR, 'manifest.json'), 'utf8')) as { id: string; sha256: string; bytes: number }
const model: ModelSource = { id: manifest.id, url: 'http://models.test/encoder.onnx', sha256: manifest.sha256, bytes: manifest.bytes }

/** Node's environment: onnxruntime-web's Node build (WebAssembly, one thread), the file from disk. */
function nodeEnv(gpu: WebGpuProbe | null = null) {
  const fetches: string[] = []
  const env: EncoderEnvironment = {
    loadOrt: async () => {
      const ort = await import('onnxruntime-web')
      ort.env.wasm.numThreads = 1
      ort.env.logLevel = 'error'
      return ort
    },
    probeWebGpu: async () => gpu,
    crossOriginIsolated: () => false,
    cores: () => 2,
    fetchModel: async (source, options) => {
      fetches.push(source.url)
      options.onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength })
      return { bytes: bytes.slice(), fromCache: fetches.length > 1, cached: true }
    },
  }
  return { env, fetches }
}

describe('encoder handlers', () => {
  it('match PyTorch on the reference inputs to 1e-4 (onnxruntime-web WebAssembly in Node)', async () => {
    const client = createInProcessEncoderClient(nodeEnv().env)
    const progress: number[] = []
    const loaded = await client.load(model, 'wasm', { onProgress: (p) => progress.push(p.loaded) })
    expect(loaded).toMatchObject({ backend: 'wasm', threads: 1, inputNames: ['cube', 'time', 'latlon', 'waves', 'gsd'], outputNames: ['embeddings'] })
    expect(loaded.notes.join(' ')).toMatch(/CPU \(WebAssembly, 1 thread\)/)
    expect(progress.at(-1)).toBe(bytes.byteLength)
    const out = await client.run(referenceFeeds(ref), 'embeddings')
    expect(out.dims).toEqual([2, 64])
    expect(out.backend).toBe('wasm')
    expect(maxAbsDiff(out.output, ref.embeddings)).toBeLessThan(1e-4)
    client.dispose()
  })

  it('reuse the session for the same model and backend', async () => {
    const { env, fetches } = nodeEnv()
    const client = createInProcessEncoderClient(env)
    await client.load(model, 'wasm')
    const again = await client.load(model, 'wasm')
    expect(again.fromCache).toBe(true)
    expect(fetches).toHaveLength(1)
    client.dispose()
  })

  it("say there is no WebGPU and run on WebAssembly when 'auto' finds no adapter", async () => {
    const client = createInProcessEncoderClient(nodeEnv(null).env)
    const loaded = await client.load(model, 'auto')
    expect(loaded.backend).toBe('wasm')
    expect(loaded.notes).toEqual(['This browser has no WebGPU: the encoder runs on the CPU (WebAssembly, 1 thread) (one thread: the page is not cross-origin isolated).'])
    client.dispose()
  })

  it("prefer WebAssembly over a software WebGPU adapter for 'auto'", async () => {
    const client = createInProcessEncoderClient(nodeEnv({ name: 'google swiftshader', software: true }).env)
    const loaded = await client.load(model, 'auto')
    expect(loaded.backend).toBe('wasm')
    expect(loaded.notes.join(' ')).toMatch(/draws in software \(google swiftshader\), slower than WebAssembly/)
    client.dispose()
  })

  it('fall back to WebAssembly when WebGPU cannot create the session, and say so', async () => {
    // Node's onnxruntime-web has no WebGPU backend at all: a real failure at session creation.
    const client = createInProcessEncoderClient(nodeEnv({ name: 'test gpu', software: false }).env)
    const loaded = await client.load(model, 'webgpu')
    expect(loaded.backend).toBe('wasm')
    expect(loaded.notes.join(' ')).toMatch(/^WebGPU could not start the encoder \(.+\): it runs on the CPU/)
    const out = await client.run(referenceFeeds(ref), 'embeddings')
    expect(maxAbsDiff(out.output, ref.embeddings)).toBeLessThan(1e-4)
    client.dispose()
  })

  it('fall back to WebAssembly when WebGPU fails mid-run, encode again, and say so', async () => {
    // A stand-in WebGPU session (a WebAssembly one) whose first run fails, as a lost device would.
    const { env, fetches } = nodeEnv({ name: 'test gpu', software: false })
    const realLoad = env.loadOrt
    env.loadOrt = async (threads) => {
      const ort = await realLoad(threads)
      const InferenceSession = {
        create: (b: Uint8Array, o: { executionProviders: string[] }) => ort.InferenceSession.create(b, { ...o, executionProviders: ['wasm'] }),
      }
      return { ...ort, InferenceSession } as unknown as typeof ort
    }
    const client = createInProcessEncoderClient(env)
    const loaded = await client.load(model, 'webgpu', { failWebGpu: 'run' })
    expect(loaded.backend).toBe('webgpu')
    const out = await client.run(referenceFeeds(ref), 'embeddings')
    expect(out.backend).toBe('wasm')
    expect(out.notes).toEqual([expect.stringMatching(/^WebGPU failed while encoding \(.*simulated.*\): switched to the CPU .* and encoded again\.$/)])
    expect(maxAbsDiff(out.output, ref.embeddings)).toBeLessThan(1e-4)
    expect(fetches).toHaveLength(2) // the model again (from the cache) for the WebAssembly session
    const next = await client.run(referenceFeeds(ref), 'embeddings')
    expect(next).toMatchObject({ backend: 'wasm', notes: [] })
    const reloaded = await client.load(model, 'webgpu', { failWebGpu: 'run' })
    expect(reloaded.backend).toBe('wasm')
    client.dispose()
  })

  it('refuse inputs that do not fit the model, with a message that names them', async () => {
    const client = createInProcessEncoderClient(nodeEnv().env)
    await client.load(model, 'wasm')
    // Fresh feeds for each call: the cube is transferred to the worker, and emptied here.
    const { gsd: _gsd, ...noGsd } = referenceFeeds(ref)
    await expect(client.run(noGsd, 'embeddings')).rejects.toMatchObject({ kind: 'run', message: expect.stringMatching(/missing: gsd/) })
    await expect(client.run(referenceFeeds(ref), 'class_token')).rejects.toMatchObject({ kind: 'run', message: expect.stringMatching(/no output "class_token"/) })
    const bad = referenceFeeds(ref)
    bad.time = { data: new Float32Array(3), dims: [2, 4] }
    await expect(client.run(bad, 'embeddings')).rejects.toMatchObject({ kind: 'run', message: expect.stringMatching(/"time" has 3 values/) })
    client.dispose()
  })

  it('say so when the file is not a model', async () => {
    const { env } = nodeEnv()
    env.fetchModel = async () => ({ bytes: new TextEncoder().encode('<html>not a model</html>'), fromCache: false, cached: false })
    const client = createInProcessEncoderClient(env)
    const err = await client.load(model, 'wasm').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EncoderError)
    expect(err).toMatchObject({ kind: 'backend', message: expect.stringMatching(/could not be started/) })
    client.dispose()
  })

  it('pass a download error through with its kind', async () => {
    const { env } = nodeEnv()
    env.fetchModel = async () => {
      throw new EncoderError('checksum', 'not the one its manifest names')
    }
    const client = createInProcessEncoderClient(env)
    await expect(client.load(model, 'wasm')).rejects.toMatchObject({ name: 'EncoderError', kind: 'checksum' })
    client.dispose()
  })

  it('report a cancelled load as aborted', async () => {
    const client = createInProcessEncoderClient(nodeEnv().env)
    const controller = new AbortController()
    const p = client.load(model, 'wasm', { signal: controller.signal })
    controller.abort()
    await expect(p).rejects.toMatchObject({ kind: 'aborted' })
    client.dispose()
  })

  it('use threads only when the page is cross-origin isolated', () => {
    expect(wasmThreads(false, 8)).toBe(1)
    expect(wasmThreads(true, 8)).toBe(4)
    expect(wasmThreads(true, 2)).toBe(2)
    expect(wasmThreads(true, 8, 1)).toBe(1)
  })
})
