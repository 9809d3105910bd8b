// The bookkeeping of an index made in the browser: how far a build got (and what a changed
// listing undoes), the estimate, and parts kept in a store merged into a valid index.
import { describe, expect, it } from 'vitest'
import { packChipIds, type CodeRows } from './code-file.ts'
import {
  buildProgress,
  compareListing,
  estimateSeconds,
  folderDir,
  formatDuration,
  localIndexUrl,
  mergeLocal,
  parseLocalUrl,
  readLocalHeader,
  readMarkers,
  readPlan,
  sampleIndices,
  saveFile,
  STATED_RATE,
  writePlan,
  type ListedFile,
  type LocalPlan,
} from './local-build.ts'
import { memoryStore } from './local-store.ts'

const FOLDER = 'https://data.example/set/'
const file = (i: number, bytes = 1000, etag: string | null = `e${i}`): ListedFile => ({ key: `t/f${i}.gpq`, url: `${FOLDER}t/f${i}.gpq`, bytes, etag })

function rows(n: number, first: number): CodeRows {
  return {
    count: n,
    codeBytes: 16,
    codes: Uint8Array.from({ length: n * 16 }, (_, k) => (k * 7 + first) & 255),
    ids: packChipIds(Array.from({ length: n }, (_, i) => `c${first + i}`)),
    source: new Int32Array(n),
    row: Int32Array.from({ length: n }, (_, i) => i),
    lon: Float32Array.from({ length: n }, (_, i) => i),
    lat: Float32Array.from({ length: n }, (_, i) => -i),
    date: new Int32Array(n).fill(19000),
  }
}

const plan = (files: ListedFile[]): LocalPlan => ({
  version: 1,
  folder: FOLDER,
  created: '2026-01-01T00:00:00.000Z',
  identity: { family: 'clay-v0', modelLabel: 'Clay v0', dims: 16, embeddingColumn: 'embeddings', sourceModel: null },
  mean: Array.from({ length: 16 }, (_, j) => j / 10),
  sample: [files[0]!.key],
  files,
  measured: { bytes: 0, ms: 0 },
})

describe('local index bookkeeping', () => {
  it('counts a file done only while its marker matches it as listed; a changed listing says what changed', async () => {
    const kv = memoryStore()
    const files = [file(0), file(1), file(2), file(3)]
    await writePlan(kv, plan(files))
    await saveFile(kv, FOLDER, files[0]!, { rows: 3, code: rows(3, 0) })
    await saveFile(kv, FOLDER, files[2]!, { rows: 5, skipped: 'not a Parquet file' })
    // A marker cut short by a reload doesn't count.
    await kv.write(`${folderDir(FOLDER)}/parts/zzzz.json`, '{"key":')
    const markers = await readMarkers(kv, FOLDER)
    expect([...markers.keys()].sort()).toEqual(['t/f0.gpq', 't/f2.gpq'])
    let p = buildProgress(files, markers)
    expect(p).toMatchObject({ files: 4, bytes: 4000, done: 2, doneBytes: 2000, todoBytes: 2000 })
    expect(p.todo.map((f) => f.key)).toEqual(['t/f1.gpq', 't/f3.gpq'])
    // f0 changed on the server (new ETag), f4 is new, f3 is gone.
    const now = [file(0, 1000, 'new'), file(1), file(2), file(4)]
    expect(compareListing(files, now)).toEqual({ added: 1, changed: 1, removed: 1 })
    p = buildProgress(now, markers)
    expect(p.todo.map((f) => f.key)).toEqual(['t/f0.gpq', 't/f1.gpq', 't/f4.gpq'])
    expect(compareListing(files, files)).toEqual({ added: 0, changed: 0, removed: 0 })
    expect((await readPlan(kv, FOLDER))?.files).toHaveLength(4)
    expect(await readPlan(kv, 'https://data.example/other/')).toBeNull()
  })

  it('estimates from the stated rate until a megabyte has been measured, then from the measured one', () => {
    expect(estimateSeconds(34_000_000, null)).toMatchObject({ seconds: 34_000_000 / STATED_RATE, measured: false })
    expect(estimateSeconds(10_000_000, { bytes: 500_000, ms: 100 })).toMatchObject({ measured: false })
    expect(estimateSeconds(10_000_000, { bytes: 5_000_000, ms: 1000 })).toMatchObject({ seconds: 2, measured: true, bytesPerSecond: 5_000_000 })
    expect(formatDuration(17)).toBe('about 15 s')
    expect(formatDuration(4.2)).toBe('about 4 s')
    expect(formatDuration(200)).toBe('about 3 min')
    expect(formatDuration(4210)).toBe('about 1 h 10 min')
    expect(sampleIndices(26)).toEqual([0, 3, 6, 9, 13, 16, 19, 22])
    expect(sampleIndices(3)).toEqual([0, 1, 2])
  })

  it('merges the kept parts into an index whose header names every file coded and every file left out', async () => {
    const kv = memoryStore()
    const files = [file(0), file(1), file(2)]
    const p = plan(files)
    await writePlan(kv, p)
    await saveFile(kv, FOLDER, files[0]!, { rows: 3, code: rows(3, 0) })
    await saveFile(kv, FOLDER, files[1]!, { rows: 9, skipped: 'another model' })
    await saveFile(kv, FOLDER, files[2]!, { rows: 4, code: rows(4, 3) })
    const header = await mergeLocal(kv, p, await readMarkers(kv, FOLDER))
    expect(header).toMatchObject({ chips: 7, base: FOLDER, lists: null, skipped: [{ key: 't/f1.gpq', reason: 'another model' }] })
    expect(header.sources).toEqual([
      { key: 't/f0.gpq', bytes: 1000, etag: '"e0"', rows: 3, chips: 3 },
      { key: 't/f2.gpq', bytes: 1000, etag: '"e2"', rows: 4, chips: 4 },
    ])
    const url = localIndexUrl('memory', FOLDER)
    expect(parseLocalUrl(url)).toMatchObject({ kind: 'memory' })
    expect(parseLocalUrl('https://x/index.json')).toBeNull()
    expect((await readLocalHeader(kv, FOLDER, url))?.chips).toBe(7)
    await expect(mergeLocal(kv, plan([...files, file(9)]), await readMarkers(kv, FOLDER))).rejects.toThrow(/f9.gpq isn't coded yet/)
  })
})
