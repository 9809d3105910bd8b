#!/usr/bin/env node
// The map at a million chips, in a real Chromium (the e2e tests' Debian Chromium and flags):
// how long a new ranking takes to reach the screen, and the frame times and JavaScript time while
// a person drags the threshold. Part of `npm run bench`; writes its records into
// bench/results.json beside the others (the same merge as bench/harness.ts mergeResults) and
// prints a table.
//
//   node bench/map-frames.mjs [--chips 1000000] [--dims 32] [--files 20] [--drag-seconds 5] [--reuse-build] [--no-write]
//
// It builds the app into bench/.cache/map-app (--reuse-build keeps an earlier build), writes the
// set with scripts/make-large-set.mjs (cached in .cache/large-sets), serves both from 127.0.0.1
// (the app from a small static server, the set from the e2e data server's S3 endpoint), opens
// the folder, waits for every file to load, ranks by clicking chips, then drags the threshold
// slider with the mouse for a few seconds (and at least a dozen moves), each move once the last
// one is on screen.
//
// Chromium here draws WebGL with SwiftShader, on the CPU, so frame times are those of a machine
// without a GPU, far slower than a laptop's; the JavaScript time per threshold change is what the
// app controls, and should be about nothing.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs'
import { buildTestApp, median, mergeResults, printTable, quantile, RESULTS, root, serveApp } from './browser-bench.mjs'
import { writeLargeSet } from '../scripts/make-large-set.mjs'
import { startDataServer } from '../e2e/support/data-server.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const APP_DIR = path.join(here, '.cache', 'map-app')

const { values: args } = parseArgs({
  options: {
    chips: { type: 'string', default: '1000000' },
    dims: { type: 'string', default: '32' },
    files: { type: 'string', default: '20' },
    'drag-seconds': { type: 'string', default: '5' },
    rankings: { type: 'string', default: '4' },
    'reuse-build': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
})
const PARAMS = { chips: Number(args.chips), dims: Number(args.dims), files: Number(args.files) }
const DRAG_MS = Number(args['drag-seconds']) * 1000
/** However slow the frames, the drag goes on for this many slider moves (up to MAX_DRAG_MS). */
const MIN_CHANGES = 12
const MAX_DRAG_MS = 180_000
const RANKINGS = Math.max(1, Number(args.rankings))
const label = `map ${PARAMS.chips >= 1e6 ? `${PARAMS.chips / 1e6}M` : `${PARAMS.chips / 1e3}k`} chips`
const log = (line) => console.log(`[map-frames] ${line}`)

// ---------------------------------------------------------------------------------------------

if (!args['reuse-build'] || !existsSync(path.join(APP_DIR, 'index.html'))) {
  log(`building the app into ${path.relative(root, APP_DIR)}`)
  await buildTestApp(APP_DIR)
}
const started = performance.now()
const set = await writeLargeSet({ ...PARAMS, log: (line) => log(line) })
log(`set ${set.name}: ${set.files.length} files, ${(set.totalBytes / 1e6).toFixed(0)} MB (${((performance.now() - started) / 1000).toFixed(1)} s)`)

const app = await serveApp(APP_DIR)
const data = await startDataServer({ port: 0, noCorsPort: 0, log: () => {} })
const appUrl = `http://127.0.0.1:${app.address().port}`
const folderUrl = `${data.url}/s3/large/${set.name}/`
const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS] })
const records = []
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' })
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  const renderer = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2')
    const ext = gl?.getExtension('WEBGL_debug_renderer_info')
    return gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'no WebGL2'
  })
  log(`WebGL renderer: ${renderer}`)

  // Open the folder and wait for every file.
  const opened = performance.now()
  await page.goto(`${appUrl}/?${new URLSearchParams({ basemap: 'offline', dataset: folderUrl })}`)
  await page.waitForFunction(
    (n) => {
      const api = window.__chipfinder
      const files = api?.files() ?? []
      return files.length === n && files.every((f) => f.status === 'loaded') && api.isIdle()
    },
    PARAMS.files,
    { timeout: 600_000, polling: 250 },
  )
  const loadSeconds = (performance.now() - opened) / 1000
  const afterLoad = await page.evaluate(() => ({ stats: window.__chipfinder.mapStats(), heap: performance.memory?.usedJSHeapSize ?? null }))
  log(`loaded ${PARAMS.chips} chips in ${loadSeconds.toFixed(1)} s; as points: ${afterLoad.stats.chipsAsPoints}`)
  records.push({
    name: `${label}: open the folder and load every file`,
    value: loadSeconds,
    unit: 's',
    note: `${PARAMS.files} files, ${PARAMS.dims}-d, ${(set.totalBytes / 1e6).toFixed(0)} MB over local HTTP${afterLoad.heap ? `; JS heap ${(afterLoad.heap / 1e6).toFixed(0)} MB after` : ''}`,
  })

  // Rank: click chips as a person would (planted lakes, then a quarry as a negative).
  const targets = [
    ...set.planted.lake.ids.slice(0, RANKINGS - 1).map((id) => ({ id, shift: false })),
    { id: set.planted.quarry.ids[0], shift: true },
  ].slice(0, RANKINGS)
  const presented = []
  for (const { id, shift } of targets) {
    const before = (await page.evaluate(() => window.__chipfinder.mapStats())).rankingsDrawn
    const p = await page.evaluate((chip) => window.__chipfinder.chipScreenPoint(chip), id)
    if (!p) throw new Error(`chip ${id} is not on screen`)
    if (shift) await page.keyboard.down('Shift')
    await page.mouse.click(p.x, p.y)
    if (shift) await page.keyboard.up('Shift')
    // In the page, frame by frame: once deck.gl has drawn the ranking, one more frame means the
    // browser has presented it (with SwiftShader, the GPU work behind a frame lags the JavaScript).
    presented.push(
      await page.evaluate(
        (n) =>
          new Promise((done) => {
            const check = () => {
              if (window.__chipfinder.mapStats().rankingsDrawn <= n) return requestAnimationFrame(check)
              requestAnimationFrame(() => done(performance.now() - performance.getEntriesByName('chipfinder:ranking-stored').at(-1).startTime))
            }
            check()
          }),
        before,
      ),
    )
  }
  const ranked = await page.evaluate(() => window.__chipfinder.mapStats())
  const latencies = ranked.rankingToDrawnMs.slice(0, targets.length)
  const rankingJs = ranked.updates.ranking
  log(`ranking stored → drawn: ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms; → presented: ${presented.map((ms) => ms.toFixed(0)).join(', ')} ms`)
  records.push({
    name: `${label}: new ranking, stored → first frame drawn with it`,
    value: median(latencies),
    unit: 'ms',
    note: `median of ${latencies.length} (${Math.min(...latencies).toFixed(0)}–${Math.max(...latencies).toFixed(0)} ms); SwiftShader (CPU) WebGL`,
  })
  records.push({
    name: `${label}: new ranking, stored → next frame presented`,
    value: median(presented),
    unit: 'ms',
    note: `median of ${presented.length} (${Math.min(...presented).toFixed(0)}–${Math.max(...presented).toFixed(0)} ms): the frame after deck.gl drew it; SwiftShader (CPU) WebGL`,
  })
  records.push({
    name: `${label}: new ranking, map JS (colour + filter buffers, layers, upload)`,
    value: rankingJs.totalMs / rankingJs.count,
    unit: 'ms',
    note: `mean of ${rankingJs.count}, max ${rankingJs.maxMs.toFixed(1)} ms; ${PARAMS.files} files' colour and [score, loss] buffers in typed-array loops`,
  })

  // Drag the threshold: pointer down on the thumb (at the left end: no threshold yet), then
  // sweep back and forth across the slider, each move once the last one is on screen (deck.gl
  // has drawn it, and one more frame has gone by), for a few seconds and at least MIN_CHANGES
  // moves. Every requestAnimationFrame interval is recorded meanwhile.
  const slider = page.getByTestId('threshold')
  await slider.scrollIntoViewIfNeeded()
  const box = await slider.boundingBox()
  const y = box.y + box.height / 2
  const xAt = (f) => box.x + 6 + f * (box.width - 12)
  const before = await page.evaluate(() => window.__chipfinder.mapStats())
  await page.evaluate(() => {
    const w = window
    w.__bench = { frames: [], longTasks: [], recording: true }
    let last = null
    const tick = (t) => {
      if (last !== null) w.__bench.frames.push(t - last)
      last = t
      if (w.__bench.recording) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
    w.__bench.observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__bench.longTasks.push(e.duration)))
    w.__bench.observer.observe({ type: 'longtask' })
  })
  await page.mouse.move(xAt(0), y)
  await page.mouse.down()
  const dragStart = performance.now()
  const onScreen = []
  // 14 stops a sweep, 0.05–0.95 of the slider: each at least 20 px and a few slider steps apart.
  const stops = [...Array.from({ length: 14 }, (_, i) => 0.05 + (0.9 * i) / 13), ...Array.from({ length: 12 }, (_, i) => 0.95 - (0.9 * (i + 1)) / 13)]
  for (let i = 0; (performance.now() - dragStart < DRAG_MS || onScreen.length < MIN_CHANGES) && performance.now() - dragStart < MAX_DRAG_MS; i++) {
    const start = await page.evaluate(() => ({ t: performance.now(), frames: window.__chipfinder.mapStats().framesDrawn }))
    await page.mouse.move(xAt(stops[i % stops.length]), y)
    const shown = await page.evaluate(
      (n) =>
        new Promise((done) => {
          const check = () => {
            if (window.__chipfinder.mapStats().framesDrawn <= n) return requestAnimationFrame(check)
            requestAnimationFrame(() => done(performance.now()))
          }
          check()
        }),
      start.frames,
    )
    onScreen.push(shown - start.t)
  }
  await page.mouse.up()
  const drag = await page.evaluate(() => {
    const w = window
    w.__bench.recording = false
    w.__bench.observer.disconnect()
    return { frames: w.__bench.frames, longTasks: w.__bench.longTasks, stats: w.__chipfinder.mapStats() }
  })
  const dragSeconds = (performance.now() - dragStart) / 1000
  const frames = drag.frames.slice(1).sort((a, b) => a - b)
  const shownAfter = [...onScreen].sort((a, b) => a - b)
  const t = drag.stats.updates.threshold
  const thresholdChanges = t.count - (before.updates.threshold?.count ?? 0)
  const thresholdMs = (t.totalMs - (before.updates.threshold?.totalMs ?? 0)) / Math.max(1, thresholdChanges)
  const deckFrames = drag.stats.deckFrameMs.slice(0, drag.stats.framesDrawn - before.framesDrawn)
  const rebuilt = drag.stats.colourBuilds - before.colourBuilds + (drag.stats.filterBuilds - before.filterBuilds)
  const versionMoved = drag.stats.rankingVersion !== before.rankingVersion
  log(`drag: ${dragSeconds.toFixed(1)} s, ${onScreen.length} moves, ${thresholdChanges} threshold changes, ${frames.length} frames, ${rebuilt} buffers rebuilt, ranking version ${versionMoved ? 'moved' : 'unchanged'}`)
  if (rebuilt !== 0 || versionMoved) throw new Error('the threshold drag rebuilt colour or filter buffers, or ranked again')
  const dragNote = `${dragSeconds.toFixed(0)} s drag, ${thresholdChanges} threshold changes, ${frames.length} frames; SwiftShader (CPU) WebGL`
  for (const [q, name] of [[0.5, 'p50'], [0.95, 'p95'], [1, 'max']]) records.push({ name: `${label}: threshold drag, frame time ${name}`, value: quantile(frames, q), unit: 'ms', note: dragNote })
  records.push({
    name: `${label}: threshold change → on screen`,
    value: median(shownAfter),
    unit: 'ms',
    note: `median of ${shownAfter.length} slider moves, p95 ${quantile(shownAfter, 0.95).toFixed(0)} ms (move → deck.gl drew it → next frame); SwiftShader (CPU) WebGL`,
  })
  records.push({
    name: `${label}: threshold change, map JS (layer list + deck.gl props)`,
    value: thresholdMs,
    unit: 'ms',
    note: `mean over ${thresholdChanges} changes, max ${t.maxMs.toFixed(2)} ms; no colour or filter buffer rebuilt, no ranking`,
  })
  records.push({
    name: `${label}: threshold drag, deck.gl JS per frame`,
    value: median(deckFrames),
    unit: 'ms',
    note: `median of ${deckFrames.length} frames (onBeforeRender → onAfterRender: layer updates, uniforms, draw calls); long tasks ${drag.longTasks.length}, ${drag.longTasks.reduce((a, b) => a + b, 0).toFixed(0)} ms in all (waiting on the GPU process)`,
  })
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`)
} finally {
  await browser.close()
  await data.close()
  await new Promise((done) => app.close(done))
}

printTable(records)
if (!args['no-write']) {
  mergeResults(records)
  console.log(`merged into ${RESULTS}`)
}
