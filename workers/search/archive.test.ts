// The search worker's archive requests through its real client, in-process, over an index served
// from memory: opening (progress, refusals in words), and searching with a loaded row, an archive
// id and a vector as examples, against a float64 reference.
import { describe, expect, it } from 'vitest'
import type { IndexHeader } from '../../app/lib/archive/header.ts'
import { memoryArchive, memorySources, referenceMean, structuredRows } from '../../app/lib/testing/archive-data.ts'
import { referenceTop } from '../../app/lib/testing/rank-data.ts'
import type { ArchiveIO } from './archive.ts'
import { createInProcessSearchClient } from './client.ts'

const m = structuredRows(2000, 768, { seed: 9, clusters: 3, size: 100 })
const built = memoryArchive(m, 4, 256)
const URL_ = 'https://data.example/set/chipfinder-index/index.json'

function io(header: IndexHeader = built.header, chips = built.part.chips): ArchiveIO {
  const sources = memorySources(built.files)
  return {
    readHeader: async () => ({ header, bytes: 1000 }),
    readPart: async (_url, _part, _h, _signal, onBytes) => {
      onBytes(10)
      return { ...built.part, chips }
    },
    // The base is '../' from the index: keys resolve beside chipfinder-index/.
    openSource: (url) => sources(url.replace('https://data.example/set/', '')),
  }
}

const row = (i: number) => m.data.slice(i * m.dims, (i + 1) * m.dims)

describe('search worker: whole-archive search', () => {
  it('opens an index with progress and finds the float64 top 50 from a loaded row, an id and a vector', async () => {
    const search = createInProcessSearchClient(io())
    await search.call('reset', { epoch: 1 })
    // The first 10 rows are loaded in view; row 3 of them is a positive.
    await search.call('addSegment', { epoch: 1, embeddings: m.data.slice(0, 10 * m.dims), count: 10, dims: m.dims })
    const progress: number[] = []
    const summary = await search.call('openArchive', { epoch: 1, url: URL_, identity: built.header.identity }, { onProgress: (p) => progress.push(p.partsDone) })
    expect(summary).toMatchObject({ epoch: 1, chips: 2000, sources: 4, notes: [] })
    expect(progress.at(-1)).toBe(1)
    const [a, b] = m.members[0]!
    const params = { epoch: 1, positives: [{ row: 3 }, { id: `chip-${a}` }], negatives: [], queries: [{ vector: row(b!), label: 'positive' as const }], method: 'mean' as const, topK: 50 }
    const res = (await search.call('searchArchive', params))!
    const ref = referenceTop(referenceMean(m, built.header.mean, [row(3), row(a!), row(b!)]), 50)
    expect(res.ids).toEqual(ref.rows.map((r) => `chip-${r}`))
    expect(Array.from(res.scores)).toEqual(ref.scores)
    expect(res.sources[0]).toBe(built.keyOf(ref.rows[0]!))
    expect(res.stats).toMatchObject({ approximate: false })
    expect(res.stats.requests).toBeGreaterThan(0)
    // A stale epoch answers nothing; a reset forgets the index.
    expect(await search.call('searchArchive', { ...params, epoch: 0 })).toBeNull()
    await search.call('reset', { epoch: 2 })
    expect(await search.call('searchArchive', { ...params, epoch: 2 })).toBeNull()
    search.terminate()
  })

  it("refuses another model's index, and an incomplete one, in words", async () => {
    const other = createInProcessSearchClient(io())
    await other.call('reset', { epoch: 1 })
    const identity = { ...built.header.identity, family: 'clay-v1.5' as const, modelLabel: 'Clay v1.5', dims: 1024 }
    await expect(other.call('openArchive', { epoch: 1, url: URL_, identity })).rejects.toMatchObject({ code: 'wrong-model', message: expect.stringMatching(/made for Clay v0 embeddings.*768-d/) })
    const short = createInProcessSearchClient(io(built.header, 1500))
    await short.call('reset', { epoch: 1 })
    await expect(short.call('openArchive', { epoch: 1, url: URL_ })).rejects.toMatchObject({ code: 'truncated', message: expect.stringMatching(/holds 1500 chips where the header says 2000/) })
    other.terminate()
    short.terminate()
  })
})
