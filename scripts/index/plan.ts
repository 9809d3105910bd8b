// The plan step (plan-types.ts): μ from an even sample of up to 64 files (float64 sums, added
// in file order so the scheduling of the workers can't change a bit), the identity of the first
// readable sample file, and when the archive is partitioned the k-means centroids of the
// sample's centred vectors. Every shard computes the same plan from the same listing.

import { createHash } from 'node:crypto'
import { checkIdentity, type DatasetIdentity } from '../../app/lib/geoparquet/footer.ts'
import type { SampleResult } from './file-job.ts'
import { sphericalKMeans } from './kmeans.ts'
import type { Pool } from './pool.ts'
import type { Listing } from './sources.ts'
import { PLAN_VERSION, encodeF32, type Plan } from './plan-types.ts'

export const SAMPLE_FILES = 64
/** Vectors kept per sample file for k-means (64 × 512 × 1024-d float32: 134 MB at most). */
const SAMPLE_PER_FILE = 512
/** Up to this many chips an index is one list: the whole index fits a tab (2 M × ~120 B). */
export const ONE_LIST_MAX_CHIPS = 2_000_000
/** Partitioned: about one full row group per list (docs/index-format.md, "Partitions"). */
export const CHIPS_PER_LIST = 65_536
const KMEANS_SEED = 1

/** Which files the plan samples: evenly spread, the first always among them. */
export function sampleIndices(files: number, max = SAMPLE_FILES): number[] {
  const m = Math.min(files, max)
  return Array.from({ length: m }, (_, i) => Math.floor((i * files) / m))
}

export function listCount(lists: 'auto' | number, estimatedChips: number): number {
  if (lists !== 'auto') return lists
  return estimatedChips <= ONE_LIST_MAX_CHIPS ? 1 : Math.ceil(estimatedChips / CHIPS_PER_LIST)
}

export function planId(plan: Omit<Plan, 'id'>): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 16)
}

export async function makePlan(listing: Listing, pool: Pool, lists: 'auto' | number, rows = true): Promise<Plan> {
  const { spec, files } = listing
  if (files.length === 0) throw new Error('The source has no data files (.parquet, .gpq, .geoparquet, .pq) to index.')
  const picked = sampleIndices(files.length)
  const results = (await Promise.all(
    picked.map((i) => pool.run({ kind: 'sample', spec, file: files[i] as (typeof files)[number], perFile: SAMPLE_PER_FILE })),
  )) as SampleResult[]
  const skipped: Plan['sample']['skipped'] = []
  let identity: DatasetIdentity | null = null
  const used: Extract<SampleResult, { ok: true }>[] = []
  const usedKeys: string[] = []
  results.forEach((r, n) => {
    const key = (files[picked[n] as number] as (typeof files)[number]).key
    if (!r.ok) return void skipped.push({ key, reason: r.reason })
    identity ??= r.identity
    const why = checkIdentity(r.identity, identity)
    if (why !== null) return void skipped.push({ key, reason: `not part of this index: ${why}` })
    used.push(r)
    usedKeys.push(key)
  })
  if (identity === null || used.length === 0) {
    throw new Error(`None of the ${picked.length} sampled files could be read, so there is nothing to index. ${skipped.slice(0, 3).map((s) => `${s.key}: ${s.reason}`).join(' ')}`)
  }
  const id = identity as DatasetIdentity
  const dims = id.dims as number
  const sum = new Float64Array(dims)
  let chips = 0
  let sampleBytes = 0
  for (const r of used) {
    for (let j = 0; j < dims; j++) sum[j] = (sum[j] as number) + (r.sum[j] as number)
    chips += r.chips
    sampleBytes += r.bytes
  }
  const mean = Float32Array.from(sum, (s) => s / chips)
  const totalBytes = files.reduce((s, f) => s + f.bytes, 0)
  const estimatedChips = Math.round((chips / sampleBytes) * totalBytes)
  const k = listCount(lists, estimatedChips)
  let planLists: Plan['lists'] = null
  if (k > 1) {
    const n = used.reduce((s, r) => s + r.sample.length / dims, 0)
    const points = new Float32Array(n * dims)
    let at = 0
    for (const r of used) {
      for (let i = 0; i < r.sample.length; i++) points[at + i] = (r.sample[i] as number) - (mean[i % dims] as number)
      at += r.sample.length
    }
    planLists = { count: k, centroids: encodeF32(sphericalKMeans(points, n, dims, k, KMEANS_SEED)), seed: KMEANS_SEED }
  }
  const plan: Omit<Plan, 'id'> = {
    version: PLAN_VERSION,
    spec,
    files,
    identity: id,
    dims,
    mean: encodeF32(mean),
    sample: { files: usedKeys, chips, skipped },
    estimatedChips,
    lists: planLists,
    rows,
  }
  return { ...plan, id: planId(plan) }
}
