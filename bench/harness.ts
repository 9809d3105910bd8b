// Timing helpers and the results file shared by the benchmarks.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface BenchRecord {
  name: string
  value: number
  unit: string
  /** The peer this figure is compared with, and value / peer value (or peer / value for times). */
  peer?: string
  ratio?: number
  note?: string
}

/** Median wall time in ms of `runs` calls after `warmup` unmeasured ones. */
export async function medianMs(fn: () => unknown, runs = 5, warmup = 1): Promise<number> {
  return (await timeMs(fn, runs, warmup)).median
}

/**
 * Median and fastest wall time in ms of `runs` calls after `warmup` unmeasured ones. On a shared
 * machine the fastest run says more about the code, the median more about what a person waits.
 */
export async function timeMs(fn: () => unknown, runs = 5, warmup = 1): Promise<{ median: number; min: number }> {
  for (let i = 0; i < warmup; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return { median: times[times.length >> 1]!, min: times[0]! }
}

/**
 * Two things timed in alternation, `runs` times each after `warmup` rounds: their medians, and the
 * median of the per-round ratios a / b. On a shared machine a burst of other work then slows both
 * sides of a round alike, so the ratio holds still where separate medians would not.
 */
export async function pairedMs(
  a: () => unknown,
  b: () => unknown,
  runs = 5,
  warmup = 1,
): Promise<{ a: number; b: number; ratio: number }> {
  for (let i = 0; i < warmup; i++) {
    await a()
    await b()
  }
  const ta: number[] = []
  const tb: number[] = []
  const ratios: number[] = []
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now()
    await a()
    ta.push(performance.now() - t0)
    t0 = performance.now()
    await b()
    tb.push(performance.now() - t0)
    ratios.push(ta[i]! / tb[i]!)
  }
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!
  return { a: median(ta), b: median(tb), ratio: median(ratios) }
}

const records: BenchRecord[] = []

export function record(r: BenchRecord): void {
  records.push(r)
}

export function writeResults(): void {
  const file = path.resolve(import.meta.dirname, 'results.json')
  const machine = { node: process.version, platform: `${process.platform}-${process.arch}`, date: new Date().toISOString() }
  writeFileSync(file, `${JSON.stringify({ machine, records }, null, 2)}\n`)
  const rows = records.map((r) => [r.name, `${r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}`, r.peer ?? '', r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`])
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length), 4))
  console.log(`\n${rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n')}\n\nwritten to ${file}`)
}

/**
 * Like writeResults, but keeps the records other bench files left in results.json (each bench
 * file runs in its own process, with its own `records`): records of the same name are replaced,
 * the rest kept, except those `retire` names (figures a bench no longer measures). The table
 * printed is this file's records.
 */
export function mergeResults(options: { retire?: (name: string) => boolean } = {}): void {
  const file = path.resolve(import.meta.dirname, 'results.json')
  let kept: BenchRecord[] = []
  try {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as { records?: BenchRecord[] }
    const mine = new Set(records.map((r) => r.name))
    kept = (previous.records ?? []).filter((r) => !mine.has(r.name) && !options.retire?.(r.name))
  } catch {
    // No results yet, or unreadable: start afresh.
  }
  const all = [...kept, ...records]
  const machine = { node: process.version, platform: `${process.platform}-${process.arch}`, date: new Date().toISOString() }
  writeFileSync(file, `${JSON.stringify({ machine, records: all }, null, 2)}\n`)
  const rows = records.map((r) => [r.name, `${r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}`, r.peer ?? '', r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`, r.note ?? ''])
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((row) => row[c]!.length), 4))
  console.log(`\n${rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n')}\n\nmerged into ${file}`)
}
