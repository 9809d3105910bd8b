// An archive index held in memory for searching: the header, every chip's code (in the scanner),
// and per chip its id, source file and row, centroid and date. Ids are kept packed (UTF-8 bytes
// and offsets per code file) rather than as 1.2 M strings: a lookup by id is a linear scan of
// bytes, a few milliseconds, done once per example.

import type { IndexHeader } from './header.ts'
import { CodeScanner, type ScanKernel } from './scan.ts'

/** Strings packed as UTF-8: string i is bytes[offsets[i] … offsets[i + 1]). */
export interface PackedIds {
  bytes: Uint8Array
  offsets: Uint32Array
}

/** One code file's columns, as the code-file reader gives them (docs/index-format.md). */
export interface CodePart {
  chips: number
  /** chips × header.code.bytes. */
  codes: Uint8Array
  ids: PackedIds
  source: Int32Array
  row: Int32Array
  lon: Float32Array
  lat: Float32Array
  /** Days since 1970-01-01, or null for the whole part when the column is absent; −1 for a missing date. */
  date: Int32Array | null
}

export function packIds(ids: readonly string[]): PackedIds {
  const enc = new TextEncoder()
  const parts = ids.map((s) => enc.encode(s))
  const offsets = new Uint32Array(ids.length + 1)
  for (let i = 0; i < parts.length; i++) offsets[i + 1] = offsets[i]! + parts[i]!.length
  const bytes = new Uint8Array(offsets[ids.length]!)
  parts.forEach((p, i) => bytes.set(p, offsets[i]!))
  return { bytes, offsets }
}

export class LoadedArchive {
  readonly scanner: CodeScanner
  readonly source: Int32Array
  readonly row: Int32Array
  readonly lon: Float32Array
  readonly lat: Float32Array
  readonly date: Int32Array
  /** μ in float64, as the exact scores centre on it. */
  readonly mean: Float64Array
  /**
   * Sources that have changed since the index was built (their size in the folder's listing is
   * not the one the index recorded), with why: their chips keep their code's estimate, never an
   * exact score from rows that may not be theirs any more.
   */
  readonly stale = new Map<number, string>()
  private readonly idParts: { first: number; ids: PackedIds }[] = []

  constructor(
    readonly header: IndexHeader,
    options: { kernel?: 'auto' | ScanKernel } = {},
  ) {
    const n = header.chips
    this.scanner = new CodeScanner(header.code.bytes, n, options)
    this.source = new Int32Array(n)
    this.row = new Int32Array(n)
    this.lon = new Float32Array(n)
    this.lat = new Float32Array(n)
    this.date = new Int32Array(n).fill(-1)
    this.mean = Float64Array.from(header.mean)
  }

  get count(): number {
    return this.scanner.count
  }

  get dims(): number {
    return this.header.mean.length
  }

  /** Bytes held: codes and per-chip columns. */
  get bytes(): number {
    const ids = this.idParts.reduce((s, p) => s + p.ids.bytes.byteLength + p.ids.offsets.byteLength, 0)
    return this.scanner.bytes + this.header.chips * 16 + ids
  }

  addPart(part: CodePart): void {
    const first = this.count
    const n = part.chips
    for (const [name, col] of [
      ['source', part.source],
      ['row', part.row],
      ['lon', part.lon],
      ['lat', part.lat],
    ] as const)
      if (col.length !== n) throw new RangeError(`a code file's ${name} column has ${col.length} values for ${n} chips`)
    if (part.ids.offsets.length !== n + 1) throw new RangeError(`a code file has ${part.ids.offsets.length - 1} ids for ${n} chips`)
    const sources = this.header.sources.length
    for (let i = 0; i < n; i++) if (!(part.source[i]! >= 0 && part.source[i]! < sources)) throw new RangeError(`chip ${first + i} names source ${part.source[i]}, but the index lists ${sources}`)
    this.scanner.append(part.codes, n)
    this.source.set(part.source, first)
    this.row.set(part.row, first)
    this.lon.set(part.lon, first)
    this.lat.set(part.lat, first)
    if (part.date) this.date.set(part.date, first)
    this.idParts.push({ first, ids: part.ids })
  }

  idOf(chip: number): string {
    for (let p = this.idParts.length - 1; p >= 0; p--) {
      const { first, ids } = this.idParts[p]!
      if (chip >= first) return new TextDecoder().decode(ids.bytes.subarray(ids.offsets[chip - first]!, ids.offsets[chip - first + 1]!))
    }
    throw new RangeError(`no chip ${chip}`)
  }

  /** The chip with this id, or −1. */
  find(id: string): number {
    const want = new TextEncoder().encode(id)
    const len = want.length
    for (const { first, ids } of this.idParts) {
      const { bytes, offsets } = ids
      for (let i = 0; i + 1 < offsets.length; i++) {
        const a = offsets[i]!
        if (offsets[i + 1]! - a !== len) continue
        let k = 0
        while (k < len && bytes[a + k] === want[k]) k++
        if (k === len) return first + i
      }
    }
    return -1
  }

  /** The source file's key of a chip. */
  keyOf(chip: number): string {
    return this.header.sources[this.source[chip]!]!.key
  }
}
