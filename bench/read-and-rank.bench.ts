// What the first version does, timed against its peers in one run:
// - reading the real Clay v0 sample: our reader vs hyparquet's row API on the same columns;
// - ranking the real sample (the synthetic 100k and 1M ranking benchmarks are in rank.bench.ts).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { readEmbeddings } from '../app/lib/geoparquet/read-embeddings.ts'
import { SearchIndex } from '../app/lib/rank/index.ts'
import { medianMs, mergeResults, record } from './harness.ts'

const FIXTURES = process.env.CHIPFINDER_FIXTURES ?? path.resolve(import.meta.dirname, '../../shared/fixtures')
const SAMPLE = path.join(FIXTURES, 'clay-v0/03WVN_20220610_20220610_v001.gpq')

afterAll(() => mergeResults())

describe('read', () => {
  it('the real Clay v0 sample (417 × 768, ZSTD)', async () => {
    const bytes = readFileSync(SAMPLE)
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    const embeddingBytes = 417 * 768 * 4
    const ours = await medianMs(() => readEmbeddings(buffer, { fileName: 'sample.gpq' }), 7)
    const rowApi = await medianMs(
      () => parquetReadObjects({ file: buffer, columns: ['embeddings', 'geometry', 'source_url', 'date'], compressors }),
      7,
    )
    const mbps = (ms: number) => embeddingBytes / 1e6 / (ms / 1000)
    record({ name: 'read sample: chipfinder reader', value: mbps(ours), unit: 'MB/s', peer: 'hyparquet row API', ratio: mbps(ours) / mbps(rowApi) })
    record({ name: 'read sample: hyparquet row API', value: mbps(rowApi), unit: 'MB/s' })
  })
})

describe('rank', () => {
  it('the real sample, one positive, centred', async () => {
    const bytes = readFileSync(SAMPLE)
    const table = await readEmbeddings(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, {
      fileName: 'sample.gpq',
    })
    const index = new SearchIndex(768)
    index.addSegment(table.embeddings, 417)
    const request = { positives: [200], negatives: [], mode: 'centred', method: 'mean', precision: 'exact', topK: 100, suggest: 0 } as const
    const ms = await medianMs(() => index.rank(request), 21, 3)
    record({ name: 'rank 417 × 768 (real sample)', value: ms, unit: 'ms', note: `${index.kernel}, exact top 100` })
  })
})
