// An index made in the browser, kept in a store (memory here; OPFS or IndexedDB in a tab), opened
// by the search worker through the stored ArchiveIO: it answers exactly what the same index
// served as a published one answers.
import { describe, expect, it } from 'vitest'
import { sliceCodeRows, type CodeRows } from '../../app/lib/archive/code-file.ts'
import { localIndexUrl, mergeLocal, readMarkers, saveFile, writePlan, type ListedFile, type LocalPlan } from '../../app/lib/archive/local-build.ts'
import { memoryStore } from '../../app/lib/archive/local-store.ts'
import { memoryArchive, memorySources, structuredRows } from '../../app/lib/testing/archive-data.ts'
import type { ArchiveIO } from './archive.ts'
import { createInProcessSearchClient } from './client.ts'
import { storedArchiveIO } from './local-archive-io.ts'

const FOLDER = 'https://data.example/set/'
const m = structuredRows(1200, 768, { seed: 4, clusters: 3, size: 80 })
const built = memoryArchive(m, 4, 128)

const http: ArchiveIO = {
  readHeader: async () => ({ header: built.header, bytes: 1000 }),
  readPart: async () => built.part,
  openSource: (url) => memorySources(built.files)(url.replace(FOLDER, '')),
}

describe('stored archive I/O', () => {
  it('round-trips parts kept per file into an index the worker searches like a published one', async () => {
    const kv = memoryStore()
    const files: ListedFile[] = built.header.sources.map((s) => ({ key: s.key, url: FOLDER + s.key, bytes: s.bytes, etag: 'etag-' + s.key.match(/\d+/)![0] }))
    const plan: LocalPlan = { version: 1, folder: FOLDER, created: 'now', identity: built.header.identity, mean: Array.from(built.header.mean), sample: [], files, measured: { bytes: 0, ms: 0 } }
    await writePlan(kv, plan)
    const all: CodeRows = { ...built.part, count: built.part.chips, codeBytes: built.header.code.bytes, date: built.part.date! }
    let at = 0
    for (const s of built.header.sources) {
      const part = sliceCodeRows(all, at, at + s.chips)
      await saveFile(kv, FOLDER, files.find((f) => f.key === s.key)!, { rows: s.rows, code: { ...part, source: new Int32Array(s.chips) } })
      at += s.chips
    }
    await mergeLocal(kv, plan, await readMarkers(kv, FOLDER))

    const url = localIndexUrl('memory', FOLDER)
    const stored = createInProcessSearchClient(storedArchiveIO(async (kind) => (kind === 'memory' ? kv : null), http))
    const published = createInProcessSearchClient(http)
    const params = { epoch: 1, positives: [{ id: `chip-${m.members[0]![0]}` }], negatives: [], method: 'mean' as const, topK: 40 }
    const results = []
    for (const [client, u] of [
      [stored, url],
      [published, 'https://data.example/set/chipfinder-index/index.json'],
    ] as const) {
      await client.call('reset', { epoch: 1 })
      const summary = await client.call('openArchive', { epoch: 1, url: u })
      expect(summary).toMatchObject({ chips: 1200, sources: 4 })
      results.push((await client.call('searchArchive', params))!)
      client.terminate()
    }
    const [a, b] = results
    expect(a!.ids).toEqual(b!.ids)
    expect(Array.from(a!.scores)).toEqual(Array.from(b!.scores))
    expect(a!.exact.every((e: number) => e === 1)).toBe(true)
    expect(a!.sources).toEqual(b!.sources)
  })

  it('says so in words when the kept index is gone', async () => {
    const client = createInProcessSearchClient(storedArchiveIO(async () => memoryStore(), http))
    await client.call('reset', { epoch: 1 })
    await expect(client.call('openArchive', { epoch: 1, url: localIndexUrl('memory', FOLDER) })).rejects.toMatchObject({ message: expect.stringMatching(/is gone/) })
    client.terminate()
  })
})
