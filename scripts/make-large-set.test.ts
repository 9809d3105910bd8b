// The large-set generator, on a small set read back with the app's own reader: what the map and
// the e2e and bench runs rely on (Clay v0 names the app can place, square footprints on a grid
// inside each tile, ids from the `id` column, planted clusters that a search finds first).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { largeSetName, writeLargeSet, type LargeSetManifest } from './make-large-set.mjs'
import { readEmbeddings } from '../app/lib/geoparquet/read-embeddings.ts'
import type { EmbeddingTable } from '../app/lib/geoparquet/types.ts'
import { clayV0FileInfo, mgrsTileBbox } from '../app/lib/catalog/mgrs-tile.ts'
import { parseCatalog } from '../app/lib/catalog/catalog.ts'
import { ChipCollection } from '../app/lib/chip-collection.ts'

const PARAMS = { chips: 3000, dims: 16, files: 3 }

const dirs: string[] = []
function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-large-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
}

function arrayBuffer(file: string): ArrayBuffer {
  const b = readFileSync(file)
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

let out = ''
let manifest: LargeSetManifest & { dir: string }
const tables = new Map<string, EmbeddingTable>()

beforeAll(async () => {
  out = tmpDir()
  manifest = await writeLargeSet({ ...PARAMS, outDir: out })
  for (const f of manifest.files) tables.set(f.key, await readEmbeddings(arrayBuffer(path.join(manifest.dir, f.key)), { fileName: path.basename(f.key) }))
}, 60_000)

describe('writeLargeSet', () => {
  it('writes a folder named by its parameters, holding the files it lists, a catalog and a manifest', () => {
    expect(manifest.dir).toBe(path.join(out, largeSetName({ ...PARAMS, seed: 1 })))
    expect(manifest.params).toEqual({ ...PARAMS, seed: 1 })
    const onDisk = walk(manifest.dir).sort()
    expect(onDisk).toEqual([...manifest.files.map((f) => f.key), 'catalog.json', 'manifest.json'].sort())
    for (const f of manifest.files) expect(statSync(path.join(manifest.dir, f.key)).size).toBe(f.size)
    expect(manifest.files.reduce((n, f) => n + f.rows, 0)).toBe(PARAMS.chips)
    expect(new Set(manifest.files.map((f) => f.mgrs)).size).toBe(PARAMS.files)
  })

  it('has a catalog whose one entry opens the folder', () => {
    const base = 'http://127.0.0.1:4180/s3/large/set/catalog.json'
    const { entries, problems } = parseCatalog(JSON.parse(readFileSync(path.join(manifest.dir, 'catalog.json'), 'utf8')), base)
    expect(problems).toEqual([])
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ href: 'http://127.0.0.1:4180/s3/large/set/', layout: 'prefix', dims: PARAMS.dims })
  })

  it('names files the Clay v0 way, so the app places each on its MGRS tile from the listing alone', () => {
    for (const f of manifest.files) {
      const info = clayV0FileInfo(f.key)
      expect(info, f.key).toMatchObject({ mgrs: f.mgrs, minDate: f.dates[0], maxDate: f.dates[0] })
      const [w, s, e, n] = mgrsTileBbox(f.mgrs)!
      const [fw, fs, fe, fn] = f.bbox
      expect(fw >= w && fs >= s && fe <= e && fn <= n, f.key).toBe(true)
    }
  })

  it('reads back with the app’s reader: every chip, its dims, ids from the id column, a square footprint on the grid', () => {
    for (const f of manifest.files) {
      const t = tables.get(f.key)!
      expect(t.summary.count).toBe(f.rows)
      expect(t.summary.dims).toBe(PARAMS.dims)
      expect(t.skipped).toEqual([])
      expect(t.summary.dates).toEqual(f.dates)
      expect(t.ids[0]).toBe(`${f.mgrs}_${f.dates[0].replaceAll('-', '')}_r000_c000`)
      expect(t.ids[f.grid.side + 2]).toBe(`${f.mgrs}_${f.dates[0].replaceAll('-', '')}_r001_c002`)
      expect(new Set(t.ids).size).toBe(f.rows)
      expect(t.sourceUrls[0]).toMatch(/^s3:\/\/chipfinder-large-sets\/\w{5}\/\d{4}-\d\d-\d\d\/chip_\w+\.tif$/)
      // Closed five-vertex squares; neighbours along a grid row share an edge.
      const ring = (i: number) => Array.from(t.ringCoords.subarray(2 * t.ringStarts[i]!, 2 * t.ringStarts[i + 1]!))
      for (const i of [0, 1, f.rows - 1]) {
        const r = ring(i)
        expect(r).toHaveLength(10)
        expect(r.slice(8)).toEqual(r.slice(0, 2))
      }
      const [a, b] = [ring(0), ring(1)]
      // SE, NE, NW, SW, SE: chip 1's west edge (NW, SW) is chip 0's east edge (NE, SE).
      expect([b[4], b[5], b[6], b[7]]).toEqual([a[2], a[3], a[0], a[1]])
      // cellMetres on a side, give or take UTM's scale factor (in degrees of latitude).
      expect(Math.abs(a[3]! - a[1]!) * 110_600 / f.grid.cellMetres).toBeCloseTo(1, 1)
      expect(t.summary.bbox).toEqual(f.bbox)
    }
  })

  it('plants clusters that a centred search from one member ranks first', () => {
    const chips = new ChipCollection()
    const all: Float32Array[] = []
    for (const f of manifest.files) {
      const t = tables.get(f.key)!
      chips.add(f.key, t)
      all.push(t.embeddings)
    }
    const { dims } = PARAMS
    const data = new Float32Array(chips.count * dims)
    let at = 0
    for (const e of all) {
      data.set(e, at)
      at += e.length
    }
    const mean = new Float64Array(dims)
    for (let i = 0; i < chips.count; i++) for (let j = 0; j < dims; j++) mean[j]! += data[i * dims + j]! / chips.count
    const centred = (row: number) => Array.from({ length: dims }, (_, j) => data[row * dims + j]! - mean[j]!)
    const cosine = (a: number[], b: number[]) => {
      let dot = 0
      let na = 0
      let nb = 0
      for (let j = 0; j < dims; j++) {
        dot += a[j]! * b[j]!
        na += a[j]! * a[j]!
        nb += b[j]! * b[j]!
      }
      return dot / Math.sqrt(na * nb)
    }
    for (const group of ['lake', 'quarry'] as const) {
      const ids = manifest.planted[group].ids
      expect(ids.length, group).toBeGreaterThan(1)
      for (const m of manifest.planted[group].members) expect(chips.id(chips.rowOf(m.id)!)).toBe(m.id)
      const query = centred(chips.rowOf(ids[0]!)!)
      const scores = Array.from({ length: chips.count }, (_, row) => ({ id: chips.id(row), score: cosine(query, centred(row)) }))
      scores.sort((x, y) => y.score - x.score)
      expect(new Set(scores.slice(0, ids.length).map((s) => s.id))).toEqual(new Set(ids))
    }
  })

  it('returns the cached set at once, and writes the same bytes for the same parameters', async () => {
    const key = manifest.files[0]!.key
    const mtime = statSync(path.join(manifest.dir, key)).mtimeMs
    const started = performance.now()
    const again = await writeLargeSet({ ...PARAMS, outDir: out })
    expect(performance.now() - started).toBeLessThan(1000)
    expect(again).toEqual(manifest)
    expect(statSync(path.join(manifest.dir, key)).mtimeMs).toBe(mtime)

    const other = await writeLargeSet({ ...PARAMS, outDir: tmpDir() })
    expect({ ...other, dir: '' }).toEqual({ ...manifest, dir: '' })
    for (const f of manifest.files) expect(readFileSync(path.join(other.dir, f.key)).equals(readFileSync(path.join(manifest.dir, f.key))), f.key).toBe(true)
    // Other parameters, another folder; no staging folder is left behind.
    const more = await writeLargeSet({ ...PARAMS, chips: 3200, outDir: out })
    expect(more.dir).not.toBe(manifest.dir)
    expect(readdirSync(out).sort()).toEqual([path.basename(manifest.dir), path.basename(more.dir)].sort())
  }, 60_000)

  it('refuses parameters it cannot lay out', async () => {
    await expect(writeLargeSet({ chips: 1000, dims: 16, files: 49, outDir: tmpDir() })).rejects.toThrow(/files must be/)
    await expect(writeLargeSet({ chips: 10, dims: 16, files: 2, outDir: tmpDir() })).rejects.toThrow(/chips must be/)
  })
})
