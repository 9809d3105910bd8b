// The merge: every file's part (parts/<n>.parquet, written by whichever shard had the file)
// joined into the final code files, list by list, and the header written last. Streams: one
// row group of each part at a time, at most one pending row group per list and one code file
// (≤ CHIPS_PER_FILE chips) in memory. Deterministic: parts are taken in plan order, so a
// resumed build, a sharded one and a single run give the same bytes.

import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { asyncBufferFromFile } from 'hyparquet'
import { MAX_GROUP_ROWS, CodeFileWriter, joinCodeRows, readCodePart, sliceCodeRows, type CodeRows } from '../../app/lib/archive/code-file.ts'
import { codeBytes } from '../../app/lib/archive/codes.ts'
import { INDEX_FORMAT, INDEX_HEADER_FILE, INDEX_VERSION, type IndexHeader, type IndexPart, type IndexSource } from '../../app/lib/archive/header.ts'
import { serializeIndexHeader } from '../../app/lib/archive/parse-header.ts'
import { partName, type Marker } from './file-job.ts'
import { writeAtomic } from './files.ts'
import { CREATED_BY, decodeF32, decodeF64, type Plan } from './plan-types.ts'

/** Chips per code file at most: ~120 MB files, few enough requests, small enough to retry. */
export const CHIPS_PER_FILE = 16 * MAX_GROUP_ROWS
const CODE_FILE = /^(codes-\d{5}\.parquet|rows-\d{5}\.f32)$/

export function readMarker(outDir: string, index: number): Marker | null {
  const file = path.join(outDir, 'parts', `${partName(index)}.json`)
  if (!existsSync(file)) return null
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Marker
  } catch {
    return null // half-written by a killed run: the file is done again
  }
}

/** An ETag as HTTP sends it (quoted), which is what the app compares against. */
function quoted(etag: string | null): string | null {
  if (etag === null) return null
  return etag.startsWith('"') || etag.startsWith('W/') ? etag : `"${etag}"`
}

export interface MergeOptions {
  /** The header's base (the data folder, relative to index.json, or absolute). */
  base: string
  /** The header's `created`. */
  created: string
}

/**
 * μ of every indexed chip, from the parts' float64 sums: the queries and the exact rescoring
 * centre on it, so the top K is a float64 scan's over the whole archive. The codes were made
 * before it was known, centred on the plan's sample mean (plan.json), which is near enough for
 * signs. Parts written by a builder that kept no sums leave the plan's mean in place.
 */
function fullMean(markers: readonly Marker[], plan: Plan): Float32Array {
  const sum = new Float64Array(plan.dims)
  let chips = 0
  for (const m of markers) {
    if (m.chips === 0) continue
    if (m.sum === undefined) return decodeF32(plan.mean)
    const s = decodeF64(m.sum)
    for (let j = 0; j < plan.dims; j++) sum[j] = (sum[j] as number) + (s[j] as number)
    chips += m.chips
  }
  return chips === 0 ? decodeF32(plan.mean) : Float32Array.from(sum, (v) => v / chips)
}

export async function mergeIndex(outDir: string, plan: Plan, opts: MergeOptions): Promise<IndexHeader> {
  const markers = plan.files.map((_, i) => readMarker(outDir, i))
  const missing = plan.files.filter((_, i) => markers[i]?.plan !== plan.id).map((f) => f.key)
  if (missing.length > 0) {
    throw new Error(
      `${missing.length} of ${plan.files.length} files aren't done yet (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}): run the build (or the missing shards) again, then merge.`,
    )
  }
  const sources: IndexSource[] = []
  const skipped: IndexHeader['skipped'] = []
  const sourceOf = new Int32Array(plan.files.length).fill(-1)
  markers.forEach((m, i) => {
    const marker = m as Marker
    if (marker.skipped !== null) return void skipped.push({ key: marker.key, reason: marker.skipped })
    sourceOf[i] = sources.length
    sources.push({ key: marker.key, bytes: marker.bytes, etag: quoted(marker.etag), rows: marker.rows, chips: marker.chips })
  })

  const bytes = codeBytes(plan.dims)
  const lists = plan.lists?.count ?? 1
  // Which (part, row group) pairs hold each list, in plan order.
  const runs: [number, number][][] = Array.from({ length: lists }, () => [])
  markers.forEach((m, i) => {
    if (sourceOf[i] === -1) return
    ;(m as Marker).groups.forEach((g, k) => (runs[g.list] as [number, number][]).push([i, k]))
  })

  const parts: IndexPart[] = []
  const withRows = plan.rows === true
  const rowBytes = plan.dims * 4
  let writer: CodeFileWriter | null = null
  /** The rows file being written beside the code file (withRows): a temporary name, renamed when whole. */
  let rowsFd: number | null = null
  let groups: IndexPart['groups'] = []
  const n = () => String(parts.length).padStart(5, '0')
  const rowsTmp = () => path.join(outDir, `rows-${n()}.f32.${process.pid}.tmp`)
  const closeFile = (): void => {
    if (!writer) return
    const name = `codes-${n()}.parquet`
    const data = new Uint8Array(writer.finish())
    writeAtomic(path.join(outDir, name), data)
    const part: IndexPart = { path: name, bytes: data.length, chips: writer.chips, groups }
    if (rowsFd !== null) {
      closeSync(rowsFd)
      rowsFd = null
      const rowsName = `rows-${n()}.f32`
      renameSync(rowsTmp(), path.join(outDir, rowsName))
      part.rows = { path: rowsName, bytes: writer.chips * rowBytes }
    }
    parts.push(part)
    writer = null
    groups = []
  }
  const emit = (rows: CodeRows, list: number, floats: Uint8Array | null): void => {
    if (writer && writer.chips + rows.count > CHIPS_PER_FILE) closeFile()
    writer ??= new CodeFileWriter(bytes, CREATED_BY)
    if (withRows && rowsFd === null) rowsFd = openSync(rowsTmp(), 'w')
    writer.writeGroup(rows)
    if (rowsFd !== null && floats) writeSync(rowsFd, floats)
    groups.push({ list, chips: rows.count })
  }

  // One row group at a time, read by range: a partitioned merge visits each part once per list
  // it holds, so reading whole parts would cost lists × parts file reads.
  const partRows = async (index: number, group: number): Promise<{ rows: CodeRows; floats: Uint8Array | null }> => {
    const name = `parts/${partName(index)}.parquet`
    const rows = await readCodePart(await asyncBufferFromFile(path.join(outDir, name)), { rowGroups: [group], codeBytes: bytes, fileName: name })
    rows.source.fill(sourceOf[index] as number)
    if (!withRows) return { rows, floats: null }
    // The group's vectors: the part's .f32 holds its rows in the part's order.
    const before = (markers[index] as Marker).groups.slice(0, group).reduce((s, g) => s + g.chips, 0)
    const floats = new Uint8Array(rows.count * rowBytes)
    const fd = openSync(path.join(outDir, 'parts', `${partName(index)}.f32`), 'r')
    try {
      const got = readSync(fd, floats, 0, floats.length, before * rowBytes)
      if (got !== floats.length) throw new Error(`parts/${partName(index)}.f32 is short (${got} of ${floats.length} bytes at row ${before}): build that file again`)
    } finally {
      closeSync(fd)
    }
    return { rows, floats }
  }
  const joinFloats = (runs: readonly (Uint8Array | null)[]): Uint8Array | null => {
    if (!withRows) return null
    const out = new Uint8Array(runs.reduce((s, r) => s + (r?.length ?? 0), 0))
    let at = 0
    for (const r of runs) {
      out.set(r!, at)
      at += r!.length
    }
    return out
  }

  for (let list = 0; list < lists; list++) {
    let pending: CodeRows[] = []
    let pendingFloats: (Uint8Array | null)[] = []
    let count = 0
    for (const [index, group] of runs[list] as [number, number][]) {
      const { rows, floats } = await partRows(index, group)
      pending.push(rows)
      pendingFloats.push(floats)
      count += rows.count
      while (count >= MAX_GROUP_ROWS) {
        const joined = joinCodeRows(pending, bytes)
        const joinedFloats = joinFloats(pendingFloats)
        emit(sliceCodeRows(joined, 0, MAX_GROUP_ROWS), list, joinedFloats && joinedFloats.subarray(0, MAX_GROUP_ROWS * rowBytes))
        pending = [sliceCodeRows(joined, MAX_GROUP_ROWS, joined.count)]
        pendingFloats = [joinedFloats && joinedFloats.slice(MAX_GROUP_ROWS * rowBytes)]
        count -= MAX_GROUP_ROWS
      }
    }
    if (count > 0) emit(joinCodeRows(pending, bytes), list, joinFloats(pendingFloats))
  }
  closeFile()

  if (plan.lists) {
    const c = decodeF32(plan.lists.centroids)
    writeAtomic(path.join(outDir, 'centroids.f32'), new Uint8Array(c.buffer, c.byteOffset, c.byteLength))
  }
  // Code files of an earlier, bigger merge would otherwise lie beside the new header.
  const kept = new Set(parts.flatMap((p) => (p.rows ? [p.path, p.rows.path] : [p.path])))
  for (const f of readdirSync(outDir)) if (CODE_FILE.test(f) && !kept.has(f)) rmSync(path.join(outDir, f))
  if (!plan.lists) rmSync(path.join(outDir, 'centroids.f32'), { force: true })

  const header: IndexHeader = {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    createdBy: CREATED_BY,
    created: opts.created,
    base: opts.base,
    identity: plan.identity,
    chips: parts.reduce((s, p) => s + p.chips, 0),
    code: { kind: 'sign', bits: plan.dims, bytes, rotation: null },
    mean: fullMean(markers.filter((_, i) => sourceOf[i] !== -1) as Marker[], plan),
    lists: plan.lists ? { count: plan.lists.count, centroids: 'centroids.f32' } : null,
    parts,
    sources,
    skipped,
  }
  writeAtomic(path.join(outDir, INDEX_HEADER_FILE), serializeIndexHeader(header))
  return header
}
