import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parquetMetadata } from 'hyparquet'
import { beforeAll, describe, expect, it } from 'vitest'
import { readEmbeddings } from '../geoparquet/read-embeddings.ts'
import type { EmbeddingTable } from '../geoparquet/types.ts'
import { DatasetError } from '../errors.ts'
import { codeBytes, encodeSigns } from './codes.ts'
import { codeRowsFromTable, daysOf, ringCentroid } from './chip-rows.ts'
import { NO_DATE, chipIdAt, joinCodeRows, readCodePart, sliceCodeRows, writeCodePart, type CodeRows } from './code-file.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const REAL_FILE = path.join(fixturesDir, 'clay-v0', '03WVN_20220610_20220610_v001.gpq')

function arrayBufferOf(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

/** The per-column mean of the table's vectors, as the builder's μ would be. */
function meanOf(t: EmbeddingTable): Float32Array {
  const { dims, count } = t.summary
  const acc = new Float64Array(dims)
  for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) acc[j] = (acc[j] as number) + (t.embeddings[i * dims + j] as number)
  return Float32Array.from(acc, (s) => s / count)
}

describe('code files on the real Clay v0 sample', () => {
  let table: EmbeddingTable
  let mean: Float32Array
  let rows: CodeRows
  let file: ArrayBuffer

  beforeAll(async () => {
    table = await readEmbeddings(arrayBufferOf(readFileSync(REAL_FILE)), { fileName: path.basename(REAL_FILE) })
    mean = meanOf(table)
    rows = codeRowsFromTable(table, mean, 7)
    file = writeCodePart(rows, { groups: [300, 117] })
  })

  it('reads back every chip: codes byte-identical to encodeSigns, ids, rows, centroids, dates', async () => {
    const back = await readCodePart(file, { codeBytes: 96 })
    expect(back.count).toBe(417)
    expect(back.codeBytes).toBe(codeBytes(768))
    const expected = new Uint8Array(417 * 96)
    encodeSigns(table.embeddings, 417, 768, mean, expected)
    expect(Buffer.from(back.codes).equals(Buffer.from(expected))).toBe(true)
    for (const i of [0, 1, 200, 416]) {
      expect(chipIdAt(back.ids, i)).toBe(table.ids[i])
      expect(back.row[i]).toBe(table.fileRows[i])
      expect(back.source[i]).toBe(7)
      const [lon, lat] = ringCentroid(table.ringCoords, table.ringStarts, i)
      expect(back.lon[i]).toBeCloseTo(lon, 4)
      expect(back.lat[i]).toBeCloseTo(lat, 4)
      expect(back.date[i]).toBe(daysOf('2022-06-10'))
    }
    // The Seward Peninsula, where tile 03WVN lies.
    expect(back.lon[0]).toBeGreaterThan(-168)
    expect(back.lon[0]).toBeLessThan(-162)
    expect(back.lat[0]).toBeGreaterThan(64)
    expect(back.lat[0]).toBeLessThan(67)
    // About half the bits set: the codes are centred.
    let ones = 0
    for (const byte of back.codes) for (let k = 0; k < 8; k++) ones += (byte >> k) & 1
    expect(ones / (417 * 768)).toBeGreaterThan(0.4)
    expect(ones / (417 * 768)).toBeLessThan(0.6)
  })

  it('writes the row groups asked for, with the schema of the doc, and reads one group alone', async () => {
    const md = parquetMetadata(file)
    expect(md.row_groups.map((g) => Number(g.num_rows))).toEqual([300, 117])
    const code = md.schema.find((e) => e.name === 'code')
    expect(code).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', type_length: 96 })
    expect(md.schema.find((e) => e.name === 'date')).toMatchObject({ type: 'INT32', converted_type: 'DATE' })
    const second = await readCodePart(file, { rowGroups: [1] })
    expect(second.count).toBe(117)
    expect(chipIdAt(second.ids, 0)).toBe(table.ids[300])
    expect(Buffer.from(second.codes).equals(Buffer.from(rows.codes.subarray(300 * 96)))).toBe(true)
  })

  it('costs at most 128 bytes a chip on disk', () => {
    expect(file.byteLength / 417).toBeLessThanOrEqual(128)
  })

  it('slices and joins rows without changing them', () => {
    const joined = joinCodeRows([sliceCodeRows(rows, 0, 10), sliceCodeRows(rows, 10, 417)], 96)
    expect(Buffer.from(joined.codes).equals(Buffer.from(rows.codes))).toBe(true)
    expect(Buffer.from(joined.ids.bytes).equals(Buffer.from(rows.ids.bytes))).toBe(true)
    expect(Array.from(joined.ids.offsets)).toEqual(Array.from(rows.ids.offsets))
  })

  it('keeps a missing date missing', async () => {
    const some = sliceCodeRows(rows, 0, 3)
    some.date = Int32Array.from([NO_DATE, 0, 19153])
    const back = await readCodePart(writeCodePart(some))
    expect(Array.from(back.date)).toEqual([NO_DATE, 0, 19153])
  })

  it('refuses a truncated file, one of another code width, and a file that is no code file', async () => {
    const cut = file.slice(0, file.byteLength - 100)
    await expect(readCodePart(cut, { fileName: 'codes-00000.parquet' })).rejects.toThrow(/codes-00000\.parquet can't be used: its footer is unreadable/)
    await expect(readCodePart(file, { codeBytes: 128 })).rejects.toThrow(/its codes are 96 bytes; the header says 128/)
    await expect(readCodePart(arrayBufferOf(readFileSync(REAL_FILE)))).rejects.toBeInstanceOf(DatasetError)
  })
})
