// Whole-archive search against a float64 brute-force reference: the shortlist's recall on data
// with a shared offset, strong directions and planted clusters (the measurement behind
// candidatesFor / rescoredFor, printed), the top 100 after rescoring from real Parquet bytes,
// examples by id, a stale file, and the real sample end to end.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { FOOTER_TAIL_BYTES, readFooter } from '../geoparquet/footer.ts'
import { readEmbeddings } from '../geoparquet/read-embeddings.ts'
import { memoryArchive, memorySources, referenceMean, structuredRows } from '../testing/archive-data.ts'
import { recall, referenceTop } from '../testing/rank-data.ts'
import { LoadedArchive, packIds } from './archive.ts'
import { codeBytes, encodeCentred, encodeSigns } from './codes.ts'
import { buildQuery } from './rescore.ts'
import { candidatesFor, exampleRows, rescoredFor, searchArchive, settled, shortlist } from './search.ts'

const row = (m: { data: Float32Array; dims: number }, i: number) => m.data.slice(i * m.dims, (i + 1) * m.dims)

describe('the shortlist on structured data (30k × 768)', () => {
  const m = structuredRows(30_000, 768, { seed: 3 })
  const { archive, header } = memoryArchive(m, 10, 4096, { write: false })
  const queries = [
    ...m.members.map((rows, c) => ({ name: `cluster ${c}`, hard: false, pos: rows.slice(0, 3).map((r) => row(m, r)) })),
    ...[101, 2002, 17_777].map((r) => ({ name: `lone row ${r}`, hard: true, pos: [row(m, r)] })),
  ]

  it('holds the reference top 100 at the chosen sizes; the recall without rescoring is reported', () => {
    const lines: string[] = []
    const chosen: { name: string; hard: boolean; recall: number }[] = []
    for (const q of queries) {
      const query = buildQuery('mean', q.pos, [], archive.mean)!
      const want = referenceTop(referenceMean(m, header.mean, q.pos), 100).rows
      // Without rescoring: the 100 nearest by Hamming distance, and the 100 best by q · signs.
      const hamming100 = archive.scanner.nearest(encodeCentred(query.vectors[0]!, 768), 100)
      const signs100 = shortlist(archive, query, candidatesFor(100), 100).picked
      // What the re-rank buys: the rescored set by Hamming distance alone, at the chosen size.
      const hammingR = archive.scanner.nearest(encodeCentred(query.vectors[0]!, 768), rescoredFor(100))
      const cells = [1000, 4000].flatMap((c) => [200, 300, 500].map((r) => `${c}/${r}: ${recall(shortlist(archive, query, c, r).picked, want).toFixed(2)}`))
      lines.push(`${q.name.padEnd(15)} hamming@100 ${recall(hamming100, want).toFixed(2)}  signs@100 ${recall(signs100, want).toFixed(2)}  hamming@R ${recall(hammingR, want).toFixed(2)}  C/R ${cells.join('  ')}`)
      chosen.push({ name: q.name, hard: q.hard, recall: recall(shortlist(archive, query, candidatesFor(100), rescoredFor(100)).picked, want) })
    }
    console.log(`recall@100 of the rescored set (C candidates / R rescored)\n${lines.join('\n')}`)
    for (const c of chosen) if (!c.hard) expect(c.recall, c.name).toBeGreaterThanOrEqual(0.99)
  })
})

describe('searchArchive, rescoring from Parquet files', () => {
  const m = structuredRows(3000, 768, { seed: 5, clusters: 4, size: 120 })
  const built = memoryArchive(m, 6, 128)
  const { archive, header, files } = built

  it("gives exactly the float64 reference's top 100, chips and scores, with examples by id", async () => {
    const open = memorySources(files)
    const ids = m.members[1]!.slice(0, 2).map((r) => `chip-${r}`)
    const cache = new Map<number, Float32Array>()
    const ex = await exampleRows(archive, ids, open, cache)
    expect(ex.rows.map((r) => Array.from(r))).toEqual(m.members[1]!.slice(0, 2).map((r) => Array.from(row(m, r))))
    expect(ex.requests).toBeGreaterThan(0)
    // Cached: a second look-up reads nothing.
    expect((await exampleRows(archive, ids, open, cache)).requests).toBe(0)
    const negative = row(m, 7)
    const query = buildQuery('mean', ex.rows, [negative], archive.mean)!
    const hits = await searchArchive(archive, query, open, { topK: 100 })
    const ref = referenceTop(referenceMean(m, header.mean, ex.rows, [negative]), 100)
    expect(Array.from(hits.chips)).toEqual(ref.rows)
    expect(Array.from(hits.scores)).toEqual(ref.scores)
    expect(hits.exact.every((e) => e === 1)).toBe(true)
    expect(hits.stats).toMatchObject({ approximate: false, rescored: rescoredFor(100), candidates: candidatesFor(100) })
    expect(hits.stats.bytes).toBeGreaterThan(0)
    expect(hits.problems).toEqual([])
  })

  it("with the index's rescoring copy: the same exact top 100, from small range reads instead of the files", async () => {
    // The copy: every chip's float32 row, in code order, beside the code file.
    const copy = memoryArchive(m, 6, 128)
    const rowsBuffer = m.data.slice(0, m.count * m.dims).buffer
    copy.header.parts[0]!.rows = { path: 'rows-00000.f32', bytes: rowsBuffer.byteLength }
    const sources = memorySources(copy.files)
    const indexFiles = memorySources(new Map([['rows-00000.f32', { buffer: rowsBuffer, etag: null }]]))
    const open = Object.assign(sources, { indexFile: indexFiles })
    const query = buildQuery('mean', [row(m, m.members[2]![0]!)], [], copy.archive.mean)!
    const hits = await searchArchive(copy.archive, query, open, { topK: 100 })
    const ref = referenceTop(referenceMean(m, copy.header.mean, [row(m, m.members[2]![0]!)]), 100)
    expect(Array.from(hits.chips)).toEqual(ref.rows)
    expect(Array.from(hits.scores)).toEqual(ref.scores)
    expect(hits.exact.every((e) => e === 1)).toBe(true)
    // No source file was opened; the copy was read in runs of nearby rows, a few KB each.
    expect(sources.opened).toEqual([])
    expect(hits.stats.rescored).toBe(Math.min(rescoredFor(100, true), m.count))
    expect(hits.stats.bytes).toBeLessThan(hits.stats.rescored * m.dims * 4 * (1 + 16))
    expect(hits.stats.bytes).toBeGreaterThanOrEqual(hits.stats.rescored * m.dims * 4)
  })

  it("'settled' reads files best estimate first and stops by the fitted rule; its scores are exact", async () => {
    // The rule: exact ≈ a + b · estimate, raised by the largest residual, against the K-th.
    expect(settled([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4], 0.25, 1.5)).toBe(true)
    expect(settled([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4], 0.25, 2.6)).toBe(false)
    expect(settled([1, 2], [0.1, 0.2], 0, 0)).toBe(false)
    const many = memoryArchive(m, 40, 128)
    const open = memorySources(many.files)
    const query = buildQuery('mean', m.members[2]!.slice(0, 2).map((r) => row(m, r)), [], many.archive.mean)!
    const all = await searchArchive(many.archive, query, open, { topK: 20 })
    const some = await searchArchive(many.archive, query, open, { topK: 20, stop: 'settled' })
    expect(some.stats.files).toBe(all.stats.files)
    expect(some.stats.unreadFiles).toBeGreaterThanOrEqual(0)
    expect(some.exact.every((e) => e === 1)).toBe(true)
    const exactOf = new Map(Array.from(all.chips, (c, k) => [c, all.scores[k]!]))
    some.chips.forEach((c, k) => {
      if (exactOf.has(c)) expect(some.scores[k]).toBe(exactOf.get(c))
    })
    expect(recall(Array.from(some.chips), Array.from(all.chips))).toBeGreaterThanOrEqual(0.9)
  })

  it('reports a stale file, leaves its chips unscored and says the answer is approximate', async () => {
    const query = buildQuery('mean', [row(m, m.members[0]![0]!)], [], archive.mean)!
    const key = built.keyOf(m.members[0]![0]!)
    const changed = new Map(files)
    changed.set(key, { buffer: files.get(key)!.buffer, etag: '"rewritten"' })
    const hits = await searchArchive(archive, query, memorySources(changed), { topK: 100 })
    expect(hits.problems).toEqual([{ key, kind: 'stale', reason: expect.stringMatching(/changed since the index was built: its ETag is "rewritten" now/) }])
    expect(hits.stats.approximate).toBe(true)
    const fromStale = Array.from(hits.chips).filter((c) => built.keyOf(c) === key)
    expect(fromStale.length).toBeGreaterThan(0)
    hits.chips.forEach((c, k) => expect(hits.exact[k]).toBe(built.keyOf(c) === key ? 0 : 1))
    // A missing file is reported the same way, as unreadable.
    const gone = new Map(files)
    gone.delete(key)
    const missing = await searchArchive(archive, query, memorySources(gone), { topK: 10 })
    expect(missing.problems).toEqual([{ key, kind: 'unreadable', reason: expect.stringMatching(/404/) }])
    await expect(exampleRows(archive, ['chip-999999'], memorySources(files), new Map())).rejects.toThrow(/chip-999999 isn't in this archive's index/)
  })

  it("'max' rescoring matches a float64 max over the positives", async () => {
    const pos = [row(m, m.members[2]![0]!), row(m, m.members[3]![0]!)]
    const query = buildQuery('max', pos, [], archive.mean)!
    const hits = await searchArchive(archive, query, memorySources(files), { topK: 50 })
    const a = referenceMean(m, header.mean, [pos[0]!])
    const b = referenceMean(m, header.mean, [pos[1]!])
    const ref = referenceTop(a.map((v, i) => Math.max(v, b[i]!)), 50)
    expect(Array.from(hits.chips)).toEqual(ref.rows)
    expect(Array.from(hits.scores)).toEqual(ref.scores)
  })
})

describe('the real sample through the whole path', () => {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
  const fixtures = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
  const bytes = readFileSync(path.join(fixtures, 'clay-v0', '03WVN_20220610_20220610_v001.gpq'))
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

  it("gives exactly the float64 reference's top 20, reading only the embedding column", async () => {
    const table = await readEmbeddings(buffer, { fileName: 'sample.gpq' })
    const { count, dims } = table.summary
    const sum = new Float64Array(dims)
    for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) sum[j]! += table.embeddings[i * dims + j]!
    const mean = Float32Array.from(sum, (s) => s / count)
    const key = 'v02/03WVN/03WVN_20220610_20220610_v001.gpq'
    const { header } = memoryArchive({ data: table.embeddings, count, dims }, 1, count, { write: false })
    header.mean = mean
    header.sources = [{ key, bytes: buffer.byteLength, etag: null, rows: table.summary.totalRows, chips: count }]
    const codes = new Uint8Array(count * codeBytes(dims))
    encodeSigns(table.embeddings, count, dims, mean, codes)
    const archive = new LoadedArchive(header)
    archive.addPart({
      chips: count,
      codes,
      ids: packIds(table.ids),
      source: new Int32Array(count),
      row: Int32Array.from(table.fileRows),
      lon: new Float32Array(count),
      lat: new Float32Array(count),
      date: null,
    })
    const open = memorySources(new Map([[key, { buffer, etag: null }]]))
    const ex = await exampleRows(archive, [table.ids[200]!, table.ids[31]!], open, new Map())
    const query = buildQuery('mean', ex.rows, [], archive.mean)!
    const hits = await searchArchive(archive, query, open, { topK: 20 })
    const ref = referenceTop(referenceMean({ data: table.embeddings, count, dims }, mean, ex.rows), 20)
    expect(Array.from(hits.chips)).toEqual(ref.rows)
    expect(Array.from(hits.scores)).toEqual(ref.scores)
    expect(archive.idOf(hits.chips[0]!)).toBe(table.ids[ref.rows[0]!])
    // The footer's 64 KB tail and the embedding column's chunk, nothing else.
    const footer = await readFooter(buffer, { keepMetadata: true })
    const chunk = footer.metadata!.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'embeddings')!
    expect(hits.stats.bytes).toBeLessThanOrEqual(FOOTER_TAIL_BYTES + Number(chunk.meta_data!.total_compressed_size))
    console.log(`real sample: ${hits.stats.requests} requests, ${hits.stats.bytes} of ${buffer.byteLength} bytes, scan ${hits.stats.scanMs.toFixed(2)} ms, rescore ${hits.stats.rescoreMs.toFixed(1)} ms`)
  })
})
