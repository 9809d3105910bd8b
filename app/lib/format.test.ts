import { describe, expect, it } from 'vitest'
import { datasetLabel, formatBytes, formatScore } from './format.ts'

describe('format', () => {
  it('writes sizes in decimal units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1_831_543)).toBe('1.8 MB')
    expect(formatBytes(1_000_000_000)).toBe('1.0 GB')
    expect(formatBytes(250_000_000)).toBe('250 MB')
    expect(formatBytes(999_999)).toBe('1.0 MB')
  })

  it('writes scores with a real minus sign', () => {
    expect(formatScore(-0.25)).toBe('−0.250')
    expect(formatScore(1)).toBe('1.000')
  })

  it('says what a dataset is in one line', () => {
    const base = { fileName: 'f.gpq', family: 'clay-v0' as const, dims: 768, totalRows: 417, bbox: [0, 0, 1, 1] as [number, number, number, number], embeddingColumn: 'embeddings' }
    expect(datasetLabel({ ...base, modelLabel: 'Clay v0', count: 417, dates: ['2022-06-10'] } as never)).toBe('417 chips · Clay v0 · 768-d · 2022-06-10')
    expect(datasetLabel({ ...base, modelLabel: null, count: 1, dates: ['2022-01-01', '2022-02-01'] } as never)).toBe('1 chip · f.gpq · 768-d · 2022-01-01 – 2022-02-01 (2 dates)')
  })
})
