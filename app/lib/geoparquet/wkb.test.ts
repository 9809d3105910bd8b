import { describe, expect, it } from 'vitest'
import { decodeOuterRing, ringArea } from './wkb.ts'

/** Hand-writes WKB so the tests don't share an encoder with the code under test. */
class WkbWriter {
  private bytes: number[] = []
  constructor(private readonly little: boolean) {}
  header(type: number): this {
    this.bytes.push(this.little ? 1 : 0)
    return this.u32(type)
  }
  u32(v: number): this {
    const dv = new DataView(new ArrayBuffer(4))
    dv.setUint32(0, v, this.little)
    this.bytes.push(...new Uint8Array(dv.buffer))
    return this
  }
  f64(...vs: number[]): this {
    for (const v of vs) {
      const dv = new DataView(new ArrayBuffer(8))
      dv.setFloat64(0, v, this.little)
      this.bytes.push(...new Uint8Array(dv.buffer))
    }
    return this
  }
  ring(points: number[][]): this {
    this.u32(points.length)
    for (const p of points) this.f64(...p)
    return this
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }
}

const square = [
  [10, 20],
  [11, 20],
  [11, 21],
  [10, 21],
  [10, 20],
]
const squareFlat = [10, 20, 11, 20, 11, 21, 10, 21, 10, 20]

describe('decodeOuterRing', () => {
  it('reads a little-endian 2D polygon', () => {
    const wkb = new WkbWriter(true).header(3).u32(1).ring(square).done()
    expect(Array.from(decodeOuterRing(wkb) ?? [])).toEqual(squareFlat)
  })

  it('reads a big-endian 2D polygon', () => {
    const wkb = new WkbWriter(false).header(3).u32(1).ring(square).done()
    expect(Array.from(decodeOuterRing(wkb) ?? [])).toEqual(squareFlat)
  })

  it('reads from a view that does not start at offset 0 of its buffer', () => {
    const wkb = new WkbWriter(true).header(3).u32(1).ring(square).done()
    const padded = new Uint8Array(wkb.length + 7)
    padded.set(wkb, 7)
    expect(Array.from(decodeOuterRing(padded.subarray(7)) ?? [])).toEqual(squareFlat)
  })

  it('skips Z, M and ZM ordinates (ISO codes)', () => {
    for (const [type, extra] of [
      [1003, [5]],
      [2003, [7]],
      [3003, [5, 7]],
    ] as const) {
      const wkb = new WkbWriter(true)
        .header(type)
        .u32(1)
        .ring(square.map((p) => [...p, ...extra]))
        .done()
      expect(Array.from(decodeOuterRing(wkb) ?? []), `type ${type}`).toEqual(squareFlat)
    }
  })

  it('reads EWKB with Z flag and an SRID', () => {
    const wkb = new WkbWriter(false)
      .header(0x80000000 | 0x20000000 | 3)
      .u32(4326)
      .u32(1)
      .ring(square.map((p) => [...p, 100]))
      .done()
    expect(Array.from(decodeOuterRing(wkb) ?? [])).toEqual(squareFlat)
  })

  it('returns the outer ring and ignores holes', () => {
    const hole = [
      [10.2, 20.2],
      [10.4, 20.2],
      [10.4, 20.4],
      [10.2, 20.2],
    ]
    const wkb = new WkbWriter(true).header(3).u32(2).ring(square).ring(hole).done()
    expect(Array.from(decodeOuterRing(wkb) ?? [])).toEqual(squareFlat)
  })

  it('closes an unclosed ring', () => {
    const wkb = new WkbWriter(true).header(3).u32(1).ring(square.slice(0, 4)).done()
    expect(Array.from(decodeOuterRing(wkb) ?? [])).toEqual(squareFlat)
  })

  it('picks the largest polygon of a MultiPolygon, whatever its position', () => {
    const small = [
      [0, 0],
      [0.1, 0],
      [0.1, 0.1],
      [0, 0],
    ]
    // Mixed byte order between the parts is legal WKB.
    const w = new WkbWriter(true).header(6).u32(2)
    const part1 = new WkbWriter(false).header(3).u32(1).ring(small).done()
    const part2 = new WkbWriter(true).header(3).u32(1).ring(square).done()
    const wkb = Uint8Array.from([...w.done(), ...part1, ...part2])
    expect(Array.from(decodeOuterRing(wkb) ?? [])).toEqual(squareFlat)
    const reversed = Uint8Array.from([...w.done(), ...part2, ...part1])
    expect(Array.from(decodeOuterRing(reversed) ?? [])).toEqual(squareFlat)
  })

  it('returns null for non-polygons, empty polygons and malformed bytes', () => {
    const point = new WkbWriter(true).header(1).f64(1, 2).done()
    expect(decodeOuterRing(point)).toBeNull()
    const line = new WkbWriter(true).header(2).ring(square).done()
    expect(decodeOuterRing(line)).toBeNull()
    expect(decodeOuterRing(new WkbWriter(true).header(3).u32(0).done())).toBeNull()
    expect(decodeOuterRing(new Uint8Array(0))).toBeNull()
    expect(decodeOuterRing(Uint8Array.from([7, 3, 0, 0, 0]))).toBeNull()
    const full = new WkbWriter(true).header(3).u32(1).ring(square).done()
    expect(decodeOuterRing(full.subarray(0, full.length - 3))).toBeNull()
    // A count far beyond the bytes present must not allocate, just fail.
    expect(decodeOuterRing(new WkbWriter(true).header(3).u32(1).u32(0x7fffffff).done())).toBeNull()
    const nanRing = new WkbWriter(true).header(3).u32(1).ring([[NaN, NaN], ...square]).done()
    expect(decodeOuterRing(nanRing)).toBeNull()
  })
})

describe('ringArea', () => {
  it('is the planar area whatever the winding', () => {
    expect(ringArea(Float64Array.from(squareFlat))).toBeCloseTo(1, 12)
    expect(ringArea(Float64Array.from([0, 0, 0, 2, 3, 2, 3, 0, 0, 0]))).toBeCloseTo(6, 12)
  })
})
