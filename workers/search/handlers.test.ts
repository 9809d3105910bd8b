// The search worker's area requests through its real client, in-process: meanOfRows (a drawn
// area's vector in stored-vector mode) and ranking with query vectors.
import { describe, expect, it } from 'vitest'
import { createInProcessSearchClient } from './client.ts'
import type { RankParams } from './protocol.ts'

const dims = 16
const count = 50
function rows(): Float32Array {
  const data = new Float32Array(count * dims)
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) + (i % dims === 0 ? 2 : 0)
  return data
}

const rank = (p: Partial<RankParams>): RankParams => ({ epoch: 1, positives: [], negatives: [], mode: 'centred', method: 'mean', precision: 'exact', topK: 10, suggest: 0, ...p })

describe('search worker: areas', () => {
  it('answers the weighted mean of raw rows, and ranks by it like by the rows', async () => {
    const search = createInProcessSearchClient()
    const data = rows()
    await search.call('reset', { epoch: 1 })
    await search.call('addSegment', { epoch: 1, embeddings: data.slice(), count, dims })
    const one = await search.call('meanOfRows', { epoch: 1, rows: Uint32Array.of(7), weights: Float64Array.of(2) })
    expect(Array.from(one!)).toEqual(Array.from(data.subarray(7 * dims, 8 * dims)))
    const byVector = await search.call('rank', rank({ queries: [{ vector: one!, label: 'positive' }] }))
    const byRow = await search.call('rank', rank({ positives: [7] }))
    expect(Array.from(byVector!.top)).toEqual(Array.from(byRow!.top))
    expect(Array.from(byVector!.scores)).toEqual(Array.from(byRow!.scores))
    // A stale dataset answers nothing.
    expect(await search.call('meanOfRows', { epoch: 0, rows: Uint32Array.of(7), weights: Float64Array.of(1) })).toBeNull()
    search.terminate()
  })

  it('refuses a vector from another model with a message', async () => {
    const search = createInProcessSearchClient()
    await search.call('reset', { epoch: 1 })
    await search.call('addSegment', { epoch: 1, embeddings: rows(), count, dims })
    await expect(search.call('rank', rank({ positives: [1], queries: [{ vector: new Float32Array(768), label: 'positive' }] }))).rejects.toThrow(
      /768 values but this dataset's embeddings have 16/,
    )
    search.terminate()
  })
})
