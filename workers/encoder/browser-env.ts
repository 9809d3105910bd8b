// The encoder's environment in a browser worker: onnxruntime-web with its WebAssembly files
// served by the app itself (Vite emits them as assets; no CDN), threads when the page is
// cross-origin isolated, and the WebGPU adapter from navigator.gpu.
//
// onnxruntime-web's default entry (the one imported here) runs WebAssembly and WebGPU through
// the JSEP build, so it needs exactly these two files: ort-wasm-simd-threaded.jsep.mjs (the
// Emscripten loader, also the script of its pthread workers) and .jsep.wasm (28 MB). Every
// build of 1.30 has SIMD; threads need SharedArrayBuffer, so cross-origin isolation.

/// <reference types="vite/client" />
import jsepMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url'
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url'
import { probeNavigatorGpu, type EncoderEnvironment } from './handlers.ts'

/** Absolute, so that onnxruntime resolves them the same from any script. */
const absolute = (url: string) => new URL(url, self.location.href).href

export const browserEncoderEnvironment: EncoderEnvironment = {
  async loadOrt(threads) {
    const ort = await import('onnxruntime-web')
    ort.env.wasm.wasmPaths = { mjs: absolute(jsepMjsUrl), wasm: absolute(jsepWasmUrl) }
    ort.env.wasm.numThreads = threads
    // Already in a worker: no second proxy worker.
    ort.env.wasm.proxy = false
    ort.env.logLevel = 'error'
    return ort
  },
  probeWebGpu: probeNavigatorGpu,
  crossOriginIsolated: () => self.crossOriginIsolated === true,
  cores: () => navigator.hardwareConcurrency || 1,
}
