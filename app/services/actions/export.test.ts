// The export's delivery: a big export goes, piece by piece, to the file the person picked
// (showSaveFilePicker); a small one, or one in a browser without the picker, is a Blob download.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ChipCollection } from '../../lib/chip-collection.ts'
import { rankOrder } from '../../lib/testing/rank-data.ts'
import type { FileSummary } from '../../lib/geoparquet/types.ts'
import { useAppStore } from '../../state/store.ts'
import { createRegistry, type CurrentRanking } from '../resources/registry.ts'
import { createFileExamples } from './file-examples.ts'
import { demoUrl } from '../resources/builtin-catalog.ts'
import { CHUNK_ROWS, createExportActions, STREAM_TO_FILE_ROWS, type ExportProgress } from './export.ts'

const registry = createRegistry()
const { exportResults } = createExportActions({ registry, fileExamples: createFileExamples(registry), demoUrl: demoUrl('http://app.test/') })

function load(n: number): void {
  const ringCoords = new Float64Array(n * 8)
  const ringStarts = new Uint32Array(n + 1)
  for (let i = 0; i < n; i++) {
    ringCoords.set([i * 1e-4, 0, i * 1e-4 + 1e-4, 0, i * 1e-4, 1e-4, i * 1e-4, 0], i * 8)
    ringStarts[i + 1] = (i + 1) * 4
  }
  const chips = new ChipCollection()
  chips.add('f.parquet', { ids: Array.from({ length: n }, (_, i) => `c${i}`), dates: new Array(n).fill(null), sourceUrls: new Array(n).fill(null), ringCoords, ringStarts })
  const scores = Float32Array.from({ length: n }, (_, i) => 1 - i / n)
  registry.chips = chips
  registry.ranking = { epoch: registry.epoch, scores, top: rankOrder(scores).slice(0, 1000), method: 'mean', suggestions: new Uint32Array(0), range: [-1, 1], stats: {} as CurrentRanking['stats'] }
  useAppStore.setState({ summary: { fileName: 'f.parquet', modelLabel: 'Clay v0', family: 'clay-v0', dims: 768, sourceModel: null } as FileSummary, threshold: null, lossFilter: null, positives: ['c0'] })
}

// The little of a page the export touches (the tests run in Node).
const win: { location: { href: string }; showSaveFilePicker?: unknown } = { location: { href: 'http://app.test/?positive=c0' } }
const clicked: string[] = []
Object.assign(globalThis, {
  window: win,
  document: {
    baseURI: 'http://app.test/',
    body: { append: () => {} },
    createElement: () => ({ href: '', download: '', click(this: { download: string }) { clicked.push(this.download) }, remove: () => {} }),
  },
})

const downloads: Blob[] = []
beforeEach(() => {
  clicked.length = 0
  downloads.length = 0
  URL.createObjectURL = vi.fn((b: Blob) => {
    downloads.push(b)
    return 'blob:x'
  })
  URL.revokeObjectURL = vi.fn()
})
afterEach(() => {
  delete win.showSaveFilePicker
})

describe('exportResults', () => {
  it('writes a big export to the picked file in pieces, with progress, and downloads nothing', async () => {
    const n = STREAM_TO_FILE_ROWS + 500
    load(n)
    const writes: string[] = []
    let closed = false
    const picker = vi.fn(async () => ({
      createWritable: async () => ({
        write: async (part: string) => void writes.push(part),
        close: async () => void (closed = true),
        abort: async () => {},
      }),
    }))
    ;win.showSaveFilePicker = picker
    const progress: ExportProgress[] = []
    expect(await exportResults('csv', (p) => progress.push(p))).toBe(true)
    expect(picker).toHaveBeenCalledWith(expect.objectContaining({ suggestedName: 'chipfinder-f.csv' }))
    expect(closed).toBe(true)
    expect(downloads).toHaveLength(0)
    // Header + one piece per CHUNK_ROWS chips: no giant string.
    expect(writes).toHaveLength(1 + Math.ceil(n / CHUNK_ROWS))
    expect(Math.max(...writes.map((w) => w.length))).toBeLessThan(CHUNK_ROWS * 200)
    const lines = writes.join('').trimEnd().split('\r\n')
    expect(lines).toHaveLength(n + 1)
    expect(lines[1]).toMatch(/^c0,1,1,/)
    expect(progress.at(-1)).toEqual({ done: n, total: n })
    expect(new Set(progress.map((p) => p.done)).size).toBeGreaterThan(5)
  })

  it('downloads a small export as a Blob, and treats a cancelled picker as nothing done', async () => {
    load(50)
    const picker = vi.fn()
    ;win.showSaveFilePicker = picker
    await exportResults('geojson', () => {})
    expect(picker).not.toHaveBeenCalled()
    expect(downloads).toHaveLength(1)
    expect(clicked).toEqual(['chipfinder-f.geojson'])
    const fc = JSON.parse(await downloads[0]!.text())
    expect(fc.features).toHaveLength(50)
    expect(fc.query).toMatchObject({ positives: ['c0'], resultCount: 50, dataset: { model: 'Clay v0', dims: 768 } })

    load(STREAM_TO_FILE_ROWS)
    ;win.showSaveFilePicker = async () => {
      throw new DOMException('The user aborted a request.', 'AbortError')
    }
    expect(await exportResults('parquet', () => {})).toBe(false)
    expect(downloads).toHaveLength(1)
  })
})
