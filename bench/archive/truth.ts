// The benchmark's ground truth: for each of the manifest's fixed queries, the float64 exact top
// 100 over the whole archive by cos(q, x − μ), μ the archive mean (the manifest's, checked
// against the files as they stream past), q the mean of the examples' x − μ (docs/index-format.md,
// "Exact rescoring"). One pass over the files; cached beside the archive as <dir>.truth.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { ArchiveManifest } from '../../scripts/make-archive.mjs'
import { forEachFile, ordinals, readArchiveFile } from './stream.ts'

export const TRUTH_K = 100
const TRUTH_VERSION = 1

export interface QueryTruth {
  name: string
  /** The examples' global ordinals. */
  examples: number[]
  /** q = mean of the examples' x − μ, float64. */
  q: number[]
  /** The top TRUTH_K, best first (ties by lower ordinal): global ordinals, ids, scores. */
  top: number[]
  ids: string[]
  scores: number[]
}

export interface Truth {
  version: number
  archive: string
  k: number
  queries: QueryTruth[]
  seconds: number
}

/** A bounded set of the k best (score, ordinal), the worst at the root. */
class TopK {
  readonly s: number[] = []
  readonly o: number[] = []
  readonly id: string[] = []
  constructor(readonly k: number) {}
  private worse(a: number, b: number): boolean {
    return this.s[a]! < this.s[b]! || (this.s[a] === this.s[b] && this.o[a]! > this.o[b]!)
  }
  private swap(a: number, b: number): void {
    for (const arr of [this.s, this.o, this.id] as unknown[][]) [arr[a], arr[b]] = [arr[b], arr[a]]
  }
  push(score: number, ordinal: number, id: string): void {
    const n = this.s.length
    if (n < this.k) {
      this.s.push(score)
      this.o.push(ordinal)
      this.id.push(id)
      for (let i = n; i > 0 && this.worse(i, (i - 1) >> 1); i = (i - 1) >> 1) this.swap(i, (i - 1) >> 1)
      return
    }
    if (score < this.s[0]! || (score === this.s[0] && ordinal > this.o[0]!)) return
    this.s[0] = score
    this.o[0] = ordinal
    this.id[0] = id
    for (let i = 0; ; ) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < this.k && this.worse(l, m)) m = l
      if (r < this.k && this.worse(r, m)) m = r
      if (m === i) break
      this.swap(i, m)
      i = m
    }
  }
  sorted(): { top: number[]; ids: string[]; scores: number[] } {
    const order = this.s.map((_, i) => i).sort((a, b) => this.s[b]! - this.s[a]! || this.o[a]! - this.o[b]!)
    return { top: order.map((i) => this.o[i]!), ids: order.map((i) => this.id[i]!), scores: order.map((i) => this.s[i]!) }
  }
}

export function truthFile(manifest: { dir: string }): string {
  return `${manifest.dir}.truth.json`
}

/**
 * `centre`: the same truth centred on another μ (an index's), cached as <dir>.truth-<tag>.json;
 * without it, the archive's own μ (checked against the files).
 */
export async function groundTruth(manifest: ArchiveManifest & { dir: string }, log?: (line: string) => void, centre?: { mean: ArrayLike<number>; tag: string }): Promise<Truth> {
  const file = centre ? `${manifest.dir}.truth-${centre.tag}.json` : truthFile(manifest)
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Truth
    if (cached.version === TRUTH_VERSION && cached.archive === manifest.name && cached.k === TRUTH_K) return cached
  }
  const started = performance.now()
  const dims = manifest.params.dims
  const mean = centre ? Array.from(centre.mean) : manifest.mean
  const ordinal = ordinals(manifest)
  const qs: Float64Array[] = []
  for (const query of manifest.queries) {
    const q = new Float64Array(dims)
    for (const ex of query.examples) {
      const { embeddings } = await readArchiveFile(manifest.dir, manifest.files.find((f) => f.key === ex.key)!)
      for (let j = 0; j < dims; j++) q[j]! += (embeddings[ex.row * dims + j]! - mean[j]!) / query.examples.length
    }
    qs.push(q)
  }
  const qNorms = qs.map((q) => Math.sqrt(q.reduce((s, v) => s + v * v, 0)))
  const tops = qs.map(() => new TopK(TRUTH_K))
  const sums = new Float64Array(dims)
  const d = new Float64Array(dims)
  await forEachFile(manifest, ({ file, offset, embeddings, ids, index }) => {
    for (let r = 0; r < file.rows; r++) {
      let nn = 0
      for (let j = 0; j < dims; j++) {
        const x = embeddings[r * dims + j]!
        sums[j]! += x
        d[j] = x - mean[j]!
        nn += d[j]! * d[j]!
      }
      const norm = Math.sqrt(nn)
      for (let k = 0; k < qs.length; k++) {
        const q = qs[k]!
        let dot = 0
        for (let j = 0; j < dims; j++) dot += q[j]! * d[j]!
        tops[k]!.push(norm === 0 ? 0 : dot / (qNorms[k]! * norm), offset + r, ids[r]!)
      }
    }
    if (log && index % 200 === 199) log(`truth: ${index + 1}/${manifest.files.length} files`)
  })
  for (let j = 0; j < dims && !centre; j++) {
    if (sums[j]! / manifest.chips !== mean[j]) throw new Error(`the manifest's μ[${j}] is ${mean[j]}, the files give ${sums[j]! / manifest.chips}: the archive changed since it was written`)
  }
  const truth: Truth = {
    version: TRUTH_VERSION,
    archive: manifest.name,
    k: TRUTH_K,
    queries: manifest.queries.map((query, k) => ({
      name: query.name,
      examples: query.examples.map((e) => ordinal(e.key, e.row)),
      q: Array.from(qs[k]!),
      ...tops[k]!.sorted(),
    })),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  }
  writeFileSync(file, `${JSON.stringify(truth)}\n`)
  return truth
}

/** |found ∩ truth| / |truth|. */
export function recallAt(found: ArrayLike<number>, truth: readonly number[]): number {
  const want = new Set(truth)
  let hit = 0
  for (let i = 0; i < found.length && i < truth.length; i++) if (want.has(found[i]!)) hit++
  return hit / truth.length
}

/** The share of `truth` anywhere in `set` (a candidate pool, in any order). */
export function containment(set: ArrayLike<number>, truth: readonly number[]): number {
  const have = new Set(Array.from(set))
  return truth.filter((t) => have.has(t)).length / truth.length
}
