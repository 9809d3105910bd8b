#!/usr/bin/env node
// The encoder in a real Chromium (the e2e tests' Debian Chromium and flags): time per chip of the
// committed test encoder (models/test-encoder, a tiny ViT with Clay v1.5's inputs) in the app's
// encoder worker, on WebAssembly with one thread, on WebAssembly with the threads the page gets
// (cross-origin isolated: min(4, cores)), and on WebGPU, for batches of 1 and 4 chips. Part of
// `npm run bench`; writes its records into bench/results.json beside the others (the same merge
// as bench/harness.ts mergeResults) and prints a table.
//
//   node bench/encoder.mjs [--runs 9] [--reuse-build] [--no-write]
//
// WebGPU on SwiftShader takes seconds per run, so it gets at most 3 runs.
//
// Chromium here has no GPU: its WebGPU adapter is SwiftShader, which runs the shaders on the CPU,
// so the WebGPU figures are those of a software adapter, not of a graphics card. What a ViT-B/8
// at 256 px costs on a real GPU needs an export script and a machine with a GPU: not measured.
import { existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs'
import { buildTestApp, median, mergeResults, printTable, RESULTS, root, serveApp } from './browser-bench.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const APP_DIR = path.join(here, '.cache', 'encoder-app')

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    'reuse-build': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
})
const RUNS = Math.max(1, Number(args.runs))
const log = (line) => console.log(`[encoder] ${line}`)

// ---------------------------------------------------------------------------------------------

if (!args['reuse-build'] || !existsSync(path.join(APP_DIR, 'index.html'))) {
  log(`building the app into ${path.relative(root, APP_DIR)}`)
  await buildTestApp(APP_DIR)
}
const app = await serveApp(APP_DIR, { crossOriginIsolated: true })
const appUrl = `http://127.0.0.1:${app.address().port}/?basemap=offline`
const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS] })
const records = []
try {
  // One profile for every configuration (the model downloads once), a fresh page for each: the
  // worker's first load fixes its WebAssembly threads.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' })
  const configs = [
    { label: 'WASM 1 thread', backend: 'wasm', maxThreads: 1 },
    { label: 'WASM threads', backend: 'wasm', maxThreads: null },
    { label: 'WebGPU (SwiftShader, software)', backend: 'webgpu', maxThreads: null },
  ]
  const perChip = {}
  for (const config of configs) {
    for (const batch of [1, 4]) {
      const page = await context.newPage()
      page.on('pageerror', (err) => log(`page error: ${err.message}`))
      await page.goto(appUrl)
      await page.waitForFunction(() => window.__chipfinder !== undefined)
      const runs = config.backend === 'webgpu' ? Math.min(RUNS, 3) : RUNS
      const r = await page.evaluate(
        ([backend, options]) => window.__chipfinder.encoderSelfTest(backend, options),
        [config.backend, { batch, runs: runs + 1, maxThreads: config.maxThreads }],
      )
      await page.close()
      if (r.runBackend !== config.backend) throw new Error(`${config.label}: ran on ${r.runBackend} (${[...r.loadNotes, ...r.runNotes].join(' ')})`)
      const ms = median(r.times.slice(1)) / batch
      const threads = config.backend === 'wasm' ? `, ${r.threads} thread${r.threads === 1 ? '' : 's'}` : ''
      const name = `encoder test-encoder: ${config.label}, batch ${batch}`
      // Threads only help when the cores are free: say how busy the machine was.
      const load = `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`
      perChip[`${config.backend}-${config.maxThreads ?? 'n'}-${batch}`] = ms
      records.push({
        name,
        value: ms,
        unit: 'ms/chip',
        note: `session.run in the worker, median of ${runs} runs after one warm-up${threads}; 10×256×256 inputs, 64-d output; max |Δ| vs PyTorch ${r.maxAbsDiff.toExponential(1)}; ${load}`,
      })
      log(`${name}: ${ms.toFixed(1)} ms/chip (${r.times.map((t) => t.toFixed(0)).join(', ')} ms per run)`)
    }
  }
  const oneThread = perChip['wasm-1-4']
  const threaded = perChip['wasm-n-4']
  if (oneThread && threaded)
    records.push({ name: 'encoder test-encoder: WASM threads vs 1 thread, batch 4', value: threaded, unit: 'ms/chip', peer: 'WASM 1 thread', ratio: oneThread / threaded })
  const gpu = perChip['webgpu-n-4']
  if (gpu && threaded)
    records.push({
      name: 'encoder test-encoder: WebGPU (SwiftShader) vs WASM threads, batch 4',
      value: gpu,
      unit: 'ms/chip',
      peer: 'WASM threads',
      ratio: threaded / gpu,
      note: 'a software adapter: says nothing about a graphics card',
    })
} finally {
  await browser.close()
  app.close()
}

printTable(records)
if (!args['no-write']) {
  mergeResults(records)
  log(`written to ${path.relative(root, RESULTS)}`)
}
