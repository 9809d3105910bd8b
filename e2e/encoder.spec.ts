// The encoder in the browser: the committed test encoder, served by the app itself with
// onnxruntime-web's files, run in the page's real encoder worker on WebAssembly and on WebGPU
// (SwiftShader, Chromium's software adapter, under --enable-unsafe-webgpu), checked against
// PyTorch's forward pass (models/test-encoder/reference.json) to 1e-4. The model is downloaded
// once and then comes from Cache Storage; a WebGPU failure falls back to WebAssembly and says so.
import { test, expect, sharedPage } from './support/test'
import { AppPage } from './support/app-page'
import type { Page } from '@playwright/test'
import type { EncoderSelfTest } from '../app/testing/test-api.ts'
import { APP_URL } from './support/servers'

const MODEL_BYTES = 444_336
const isModel = (url: string) => /\/assets\/encoder-[\w-]+\.onnx$/.test(new URL(url).pathname)

async function openApp(page: Page): Promise<void> {
  await new AppPage(page).open()
  await page.waitForFunction(() => window.__chipfinder !== undefined)
}

function selfTest(page: Page, backend: 'auto' | 'webgpu' | 'wasm', options: Parameters<NonNullable<Window['__chipfinder']>['encoderSelfTest']>[1] = {}): Promise<EncoderSelfTest> {
  return page.evaluate(([b, o]) => window.__chipfinder!.encoderSelfTest(b, o), [backend, options] as const)
}

// SwiftShader runs WebGPU on the CPU of a 2-core machine: slow, so more than the default minute.
test.describe.configure({ timeout: 120_000 })

// One page for the whole file (opening the app costs seconds here). The self-tests only read, with
// one catch: the encoder worker keeps its last session, and a load of the same backend and options
// returns it without downloading (no progress reports). So no test below runs the same backend and
// options right after another's, in this order or starting anywhere in it (a failed test makes
// Playwright open the page again for the rest); the first test needs the page's first model load.
const shared = sharedPage(openApp)

test('the model is downloaded once, then served from Cache Storage', async () => {
  const { page } = shared
  // Every request since the page's context opened (the opening itself fetches no model).
  const modelRequests = () => shared.networkLog.filter((r) => isModel(r.url)).map((r) => r.url)
  const first = await selfTest(page, 'wasm')
  expect(first.fromCache).toBe(false)
  expect(modelRequests()).toHaveLength(1)

  // A new page in the same profile: a new worker and session, the model from the cache.
  await page.reload()
  await page.waitForFunction(() => window.__chipfinder !== undefined)
  const second = await selfTest(page, 'wasm')
  expect(second.fromCache).toBe(true)
  expect(second.maxAbsDiff).toBeLessThan(1e-4)
  expect(second.progress.at(-1)).toEqual({ loaded: MODEL_BYTES, total: MODEL_BYTES })
  expect(modelRequests()).toHaveLength(1)
})

test('the test encoder runs on WebGPU (software adapter) and matches PyTorch to 1e-4', async () => {
  const { page } = shared
  const adapter = await page.evaluate(async () => !!(await navigator.gpu?.requestAdapter()))
  expect(adapter, 'Chromium gives a WebGPU adapter under --enable-unsafe-webgpu').toBe(true)
  const r = await selfTest(page, 'webgpu')
  expect(r.backend).toBe('webgpu')
  expect(r.runBackend).toBe('webgpu')
  expect(r.runNotes).toEqual([])
  expect(r.loadNotes.join(' ')).toMatch(/^The encoder runs on the GPU \(WebGPU.*\)/)
  expect(r.maxAbsDiff).toBeLessThan(1e-4)
})

test("'auto' prefers WebAssembly to a software WebGPU adapter, and says why", async () => {
  const { page } = shared
  const r = await selfTest(page, 'auto')
  expect(r.backend).toBe('wasm')
  expect(r.loadNotes.join(' ')).toMatch(/WebGPU draws in software.*slower than WebAssembly: the encoder runs on the CPU \(WebAssembly, \d threads?\)/)
  expect(r.maxAbsDiff).toBeLessThan(1e-4)
})

test('the test encoder runs on WebAssembly with threads and matches PyTorch to 1e-4', async () => {
  const { page, networkLog } = shared
  const r = await selfTest(page, 'wasm')
  expect(r.backend).toBe('wasm')
  expect(r.runBackend).toBe('wasm')
  expect(r.dims).toEqual([2, 64])
  expect(r.maxAbsDiff).toBeLessThan(1e-4)
  // The preview server sends COOP/COEP, so the page may share memory and WebAssembly gets threads.
  expect(r.crossOriginIsolated).toBe(true)
  const cores = await page.evaluate(() => navigator.hardwareConcurrency)
  expect(r.threads).toBe(Math.min(4, cores))
  expect(r.loadNotes).toEqual([`The encoder runs on the CPU (WebAssembly, ${r.threads} thread${r.threads === 1 ? '' : 's'}), as asked.`])
  expect(r.progress.at(-1)).toEqual({ loaded: MODEL_BYTES, total: MODEL_BYTES })
  // onnxruntime's loader and WebAssembly came from the app itself (the fixture fails on any other host).
  const ortFiles = networkLog.filter((r) => /ort-wasm-simd-threaded\.jsep-[\w-]+\.(mjs|wasm)$/.test(r.url))
  expect(ortFiles.map((f) => new URL(f.url).origin)).toEqual(expect.arrayContaining([APP_URL]))
  expect(new Set(ortFiles.map((f) => f.url.split('.').pop()))).toEqual(new Set(['mjs', 'wasm']))
})

test('WebGPU failing at the start or in the middle of a run falls back to WebAssembly, and says so', async () => {
  const { page } = shared
  const atStart = await selfTest(page, 'webgpu', { failWebGpu: 'create' })
  expect(atStart.backend).toBe('wasm')
  expect(atStart.loadNotes.join(' ')).toMatch(/^WebGPU could not start the encoder \(.+\): it runs on the CPU \(WebAssembly, \d threads?\) instead\.$/)
  expect(atStart.maxAbsDiff).toBeLessThan(1e-4)

  const midRun = await selfTest(page, 'webgpu', { failWebGpu: 'run' })
  expect(midRun.backend).toBe('webgpu')
  expect(midRun.runBackend).toBe('wasm')
  expect(midRun.runNotes).toEqual([expect.stringMatching(/^WebGPU failed while encoding \(.+\): switched to the CPU \(WebAssembly, \d threads?\) and encoded again\.$/)])
  expect(midRun.maxAbsDiff).toBeLessThan(1e-4)
})
