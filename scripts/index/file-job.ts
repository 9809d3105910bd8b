// The work done on one source file, in a worker thread: read it once with the app's decoder
// (readEmbeddings), then either sum and sample its vectors (the plan's mean and k-means) or
// code its chips into a part (parts/<n>.parquet) and write the done marker beside it. A file
// that can't be read becomes a marker with the reason: the build goes on without it.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { readEmbeddings } from '../../app/lib/geoparquet/read-embeddings.ts'
import { checkIdentity, datasetIdentity, type DatasetIdentity } from '../../app/lib/geoparquet/footer.ts'
import type { EmbeddingTable } from '../../app/lib/geoparquet/types.ts'
import { DatasetError, errorMessage } from '../../app/lib/errors.ts'
import { codeRowsFromTable, columnSums } from '../../app/lib/archive/chip-rows.ts'
import { MAX_GROUP_ROWS, joinCodeRows, sliceCodeRows, writeCodePart, type CodeRows } from '../../app/lib/archive/code-file.ts'
import type { IndexGroup } from '../../app/lib/archive/header.ts'
import { nearestList } from './kmeans.ts'
import { openSourceFile, type SourceFile, type SourceSpec } from './sources.ts'
import { writeAtomic } from './files.ts'
import { CREATED_BY, decodeF32, encodeF64, type Plan } from './plan-types.ts'

/** What a sample read gives the plan. */
export type SampleResult =
  | { ok: true; identity: DatasetIdentity; chips: number; bytes: number; sum: Float64Array; sample: Float32Array }
  | { ok: false; reason: string }

/** A part's done marker (parts/<n>.json): the file as it was read, and what came of it. */
export interface Marker {
  plan: string
  key: string
  bytes: number
  etag: string | null
  modified: string | null
  rows: number
  chips: number
  /** The part's row groups; empty when skipped. */
  groups: IndexGroup[]
  /** Why the file was left out; null when it was indexed. */
  skipped: string | null
  /** A network or server failure: a rerun tries the file again. */
  transient: boolean
  /** Base64 float64 sums of the indexed chips' vectors, dimension by dimension (the merge's mean); absent when skipped. */
  sum?: string
}

const TRANSIENT: ReadonlySet<string> = new Set(['http', 'network', 'truncated', 'aborted'])

export const partName = (index: number): string => String(index).padStart(5, '0')

async function readTable(spec: SourceSpec, key: string): Promise<EmbeddingTable> {
  const file = await openSourceFile(spec, key)
  try {
    return await readEmbeddings(file.buffer, { fileName: key.split('/').pop() ?? key })
  } finally {
    await file.close()
  }
}

/** Sums (float64) and an even sample of up to `perFile` vectors of one file. */
export async function sampleFile(spec: SourceSpec, file: SourceFile, perFile: number): Promise<SampleResult> {
  let table: EmbeddingTable
  try {
    table = await readTable(spec, file.key)
  } catch (err) {
    return { ok: false, reason: errorMessage(err) }
  }
  const { dims, count } = table.summary
  const sum = columnSums(table)
  const take = Math.min(count, perFile)
  const sample = new Float32Array(take * dims)
  for (let s = 0; s < take; s++) {
    const i = Math.floor((s * count) / take)
    sample.set(table.embeddings.subarray(i * dims, (i + 1) * dims), s * dims)
  }
  return { ok: true, identity: datasetIdentity(table.summary), chips: count, bytes: file.bytes, sum, sample }
}

let planCache: { id: string; plan: Plan; mean: Float32Array; centroids: Float32Array | null } | null = null

function loadPlan(planPath: string, id: string): NonNullable<typeof planCache> {
  if (planCache?.id === id) return planCache
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as Plan
  if (plan.id !== id) throw new Error(`${planPath} changed during the build (plan ${plan.id}, expected ${id}).`)
  planCache = { id, plan, mean: decodeF32(plan.mean), centroids: plan.lists ? decodeF32(plan.lists.centroids) : null }
  return planCache
}

/** The table's rows ordered by list (stable), and one or more row groups per list present. */
function groupByList(table: EmbeddingTable, rows: CodeRows, mean: Float32Array, centroids: Float32Array, k: number): { rows: CodeRows; groups: IndexGroup[]; order: number[] } {
  const { dims, count } = table.summary
  const scratch = new Float64Array(dims)
  const lists = new Int32Array(count)
  for (let i = 0; i < count; i++) lists[i] = nearestList(centroids, k, dims, table.embeddings, i * dims, mean, scratch)
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => (lists[a] as number) - (lists[b] as number) || a - b)
  const sorted = joinCodeRows(order.map((i) => sliceCodeRows(rows, i, i + 1)), rows.codeBytes)
  const groups: IndexGroup[] = []
  for (let s = 0; s < count; ) {
    const list = lists[order[s] as number] as number
    let e = s
    while (e < count && lists[order[e] as number] === list && e - s < MAX_GROUP_ROWS) e++
    groups.push({ list, chips: e - s })
    s = e
  }
  return { rows: sorted, groups, order }
}

/** Codes one file into parts/<n>.parquet and writes its marker (always, skipped or not). */
export async function indexFile(outDir: string, planPath: string, planId: string, index: number, file: SourceFile): Promise<Marker> {
  const { plan, mean, centroids } = loadPlan(planPath, planId)
  const base = { plan: plan.id, key: file.key, bytes: file.bytes, etag: file.etag, modified: file.modified }
  const name = path.join(outDir, 'parts', partName(index))
  let marker: Marker
  try {
    const table = await readTable(plan.spec, file.key)
    const why = checkIdentity(datasetIdentity(table.summary), plan.identity)
    if (why !== null) {
      marker = { ...base, rows: table.summary.totalRows, chips: 0, groups: [], skipped: `not part of this index: ${why}`, transient: false }
    } else {
      const rows = codeRowsFromTable(table, mean, index)
      const k = plan.lists?.count ?? 1
      const { rows: out, groups, order } = centroids ? groupByList(table, rows, mean, centroids, k) : { rows, groups: splitGroups(rows.count), order: null }
      if (plan.rows) writeAtomic(`${name}.f32`, rowsInOrder(table, order))
      writeAtomic(`${name}.parquet`, new Uint8Array(writeCodePart(out, { groups: groups.map((g) => g.chips), createdBy: CREATED_BY })))
      marker = { ...base, rows: table.summary.totalRows, chips: rows.count, groups, skipped: null, transient: false, sum: encodeF64(columnSums(table)) }
    }
  } catch (err) {
    const transient = err instanceof DatasetError && TRANSIENT.has(err.code)
    marker = { ...base, rows: 0, chips: 0, groups: [], skipped: errorMessage(err), transient }
  }
  writeAtomic(`${name}.json`, JSON.stringify(marker) + '\n')
  return marker
}

/** The kept vectors as raw little-endian float32, in the part's row order (`order`, or as read). */
function rowsInOrder(table: EmbeddingTable, order: number[] | null): Uint8Array {
  const { dims } = table.summary
  const x = table.embeddings
  const out = order ? new Float32Array(order.length * dims) : x
  if (order) order.forEach((i, k) => out.set(x.subarray(i * dims, (i + 1) * dims), k * dims))
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

function splitGroups(count: number): IndexGroup[] {
  const groups: IndexGroup[] = []
  for (let s = 0; s < count; s += MAX_GROUP_ROWS) groups.push({ list: 0, chips: Math.min(MAX_GROUP_ROWS, count - s) })
  return groups
}
