// The archive generator on a small archive, read back with the app's reader: the same bytes for
// the same parameters, the manifest's μ and ids are the files', and a centred search from the
// planted query's chip ranks its group first (the benchmark's "known right answer").
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { archiveName, writeArchiveSet, type ArchiveManifest } from './make-archive.mjs'
import { readEmbeddings } from '../app/lib/geoparquet/read-embeddings.ts'
import type { EmbeddingTable } from '../app/lib/geoparquet/types.ts'

const PARAMS = { chips: 6000, dims: 48, seed: 3 }

const dirs: string[] = []
function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-archive-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

let manifest: ArchiveManifest & { dir: string }
const tables = new Map<string, EmbeddingTable>()

beforeAll(async () => {
  manifest = await writeArchiveSet({ ...PARAMS, outDir: tmpDir() })
  for (const f of manifest.files) {
    const b = readFileSync(path.join(manifest.dir, f.key))
    tables.set(f.key, await readEmbeddings(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, { fileName: path.basename(f.key) }))
  }
}, 60_000)

describe('writeArchiveSet', () => {
  it('lays out Clay v0 files of one to three dates, every chip counted once', () => {
    expect(path.basename(manifest.dir)).toBe(archiveName(PARAMS))
    expect(manifest.files.reduce((n, f) => n + f.rows, 0)).toBe(PARAMS.chips)
    for (const f of manifest.files) {
      const t = tables.get(f.key)!
      expect(f.key).toMatch(/^v02\/(\w{5})\/\1_\d{8}_\d{8}_v001\.gpq$/)
      expect(t.summary.count).toBe(f.rows)
      expect(t.summary.dims).toBe(PARAMS.dims)
      expect(t.summary.dates).toEqual(f.dates)
      // Ids from the claytile_ names in source_url, as for the real set.
      expect(t.ids[0]).toMatch(new RegExp(`^${f.mgrs}_\\d{8}_\\d{4}$`))
      expect(new Set(t.ids).size).toBe(f.rows)
    }
    expect(Math.max(...manifest.files.slice(0, -1).map((f) => f.rows))).toBeLessThanOrEqual(3 * 441)
    expect(Math.min(...manifest.files.slice(0, -1).map((f) => f.rows))).toBeGreaterThan(300)
  })

  it('records μ and the chips it names as the files hold them', () => {
    const { dims } = PARAMS
    const sums = new Float64Array(dims)
    for (const f of manifest.files) {
      const e = tables.get(f.key)!.embeddings
      for (let i = 0; i < e.length; i += dims) for (let j = 0; j < dims; j++) sums[j]! += e[i + j]!
    }
    expect(manifest.mean).toEqual(Array.from(sums, (s) => s / PARAMS.chips))
    const named = [...manifest.groups.flatMap((g) => g.members), ...manifest.queries.flatMap((q) => q.examples)]
    for (const c of named) expect(tables.get(c.key)!.ids[c.row]).toBe(c.id)
    expect(manifest.queries.map((q) => q.name)).toEqual(['planted', 'random', 'mean-of-3'])
  })

  it('plants groups that a centred search from the planted query ranks first', () => {
    const { dims } = PARAMS
    const mean = manifest.mean
    const rows: { id: string; d: Float64Array }[] = []
    for (const f of manifest.files) {
      const t = tables.get(f.key)!
      for (let r = 0; r < f.rows; r++) rows.push({ id: t.ids[r]!, d: Float64Array.from({ length: dims }, (_, j) => t.embeddings[r * dims + j]! - mean[j]!) })
    }
    const query = manifest.queries[0]!
    const group = manifest.groups[query.group!]!
    expect(group.members.length).toBeGreaterThanOrEqual(8)
    const q = rows.find((r) => r.id === query.examples[0]!.id)!.d
    const cos = (a: Float64Array, b: Float64Array) => {
      let ab = 0
      let aa = 0
      let bb = 0
      for (let j = 0; j < dims; j++) {
        ab += a[j]! * b[j]!
        aa += a[j]! * a[j]!
        bb += b[j]! * b[j]!
      }
      return ab / Math.sqrt(aa * bb)
    }
    const ranked = rows.map((r) => ({ id: r.id, s: cos(q, r.d) })).sort((a, b) => b.s - a.s)
    expect(new Set(ranked.slice(0, group.members.length).map((r) => r.id))).toEqual(new Set(group.members.map((m) => m.id)))
  })

  it('returns the cached archive at once, and writes the same bytes for the same parameters', async () => {
    const started = performance.now()
    const again = await writeArchiveSet({ ...PARAMS, outDir: path.dirname(manifest.dir) })
    expect(performance.now() - started).toBeLessThan(1000)
    expect(again).toEqual(manifest)
    const other = await writeArchiveSet({ ...PARAMS, outDir: tmpDir() })
    expect({ ...other, dir: '', seconds: 0 }).toEqual({ ...manifest, dir: '', seconds: 0 })
    for (const f of manifest.files) expect(readFileSync(path.join(other.dir, f.key)).equals(readFileSync(path.join(manifest.dir, f.key))), f.key).toBe(true)
  }, 60_000)
})
