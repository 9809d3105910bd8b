import { describe, expect, it } from 'vitest'
import { ChipCollection } from './chip-collection.ts'
import type { ChipAttributes } from './chips.ts'

function square(ids: string[], x0: number): ChipAttributes {
  const coords: number[] = []
  const starts = [0]
  ids.forEach((_, i) => {
    const x = x0 + i
    coords.push(x, 0, x + 1, 0, x + 1, 1, x, 1, x, 0)
    starts.push(starts[starts.length - 1]! + 5)
  })
  return {
    ids,
    dates: ids.map(() => '2022-06-10'),
    sourceUrls: ids.map((id) => `s3://b/${id}.tif`),
    ringCoords: new Float64Array(coords),
    ringStarts: new Uint32Array(starts),
  }
}

describe('ChipCollection', () => {
  it('numbers rows globally across segments and finds them again', () => {
    const c = new ChipCollection()
    c.add('a.parquet', square(['a0', 'a1'], 0))
    c.add('b.parquet', square(['b0', 'b1', 'b2'], 10))
    expect(c.count).toBe(5)
    expect(c.rowOf('b1')).toBe(3)
    expect(c.id(3)).toBe('b1')
    expect(c.locate(4)).toMatchObject({ local: 2 })
    expect(c.locate(4).segment.source).toBe('b.parquet')
    expect(c.sourceUrl(0)).toBe('s3://b/a0.tif')
    expect(c.ring(2)).toEqual([
      [10, 0],
      [11, 0],
      [11, 1],
      [10, 1],
      [10, 0],
    ])
    expect(c.centre(2)).toEqual([10.5, 0.5])
    expect(c.bounds(4)).toEqual([12, 0, 13, 1])
    expect(c.allIds()).toEqual(['a0', 'a1', 'b0', 'b1', 'b2'])
  })

  it('keeps the first of duplicate ids and counts the rest', () => {
    const c = new ChipCollection()
    c.add('a', square(['x', 'y'], 0))
    c.add('b', square(['y', 'z'], 5))
    expect(c.rowOf('y')).toBe(1)
    expect(c.duplicateIds).toBe(1)
  })

  it('refuses rows that are not loaded', () => {
    const c = new ChipCollection()
    expect(() => c.id(0)).toThrow(RangeError)
    c.add('a', square(['x'], 0))
    expect(() => c.id(1)).toThrow(RangeError)
    expect(() => c.id(-1)).toThrow(RangeError)
  })
})

describe('ChipCollection extras', () => {
  it('reads loss and source model per row, and the loss range over every file', () => {
    const c = new ChipCollection()
    const a = square(['a0', 'a1'], 0)
    a.extra = { loss: new Float32Array([0.5, Number.NaN]), sourceModel: ['clay-v1.5', null] }
    c.add('a', a)
    c.add('b', square(['b0'], 5))
    const b2 = square(['c0'], 9)
    b2.extra = { loss: new Float32Array([2]) }
    c.add('c', b2)
    expect(c.loss(0)).toBe(0.5)
    expect(c.loss(1)).toBeNull()
    expect(c.loss(2)).toBeNull()
    expect(c.loss(3)).toBe(2)
    expect(c.sourceModel(0)).toBe('clay-v1.5')
    expect(c.sourceModel(2)).toBeNull()
    expect(c.lossRange()).toEqual([0.5, 2])
    expect(new ChipCollection().lossRange()).toBeNull()
  })
})
