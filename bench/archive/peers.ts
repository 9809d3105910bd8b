// The whole-archive search's peers, on the same archive and queries as the ground truth:
// - exact: the project's own SearchIndex (app/lib/rank), every row in float32 WebAssembly blocks
//   (1 GiB each), centred mean query, exact top 100 — what the app would do if the tab held the
//   archive;
// - TerraBit's method (the browser-only peer in ../shared/DATA.md): sign bits of the RAW vectors
//   (no centring), one Uint8Array per chip, Hamming distance by an 8-bit popcount table, the mean
//   distance over the examples, a full sort, no rescoring.
import { SearchIndex } from '../../app/lib/rank/index.ts'
import type { ArchiveManifest } from '../../scripts/make-archive.mjs'
import { forEachFile } from './stream.ts'

export interface Loaded {
  exact: SearchIndex
  terrabit: TerraBit
  /** The first `sampleRows` chips, centred on the manifest's μ (for the ANN peer). */
  sample: Float32Array
  sampleRows: number
  loadSeconds: number
}

const POP8 = new Uint8Array(256)
for (let i = 1; i < 256; i++) POP8[i] = (i & 1) + POP8[i >> 1]!

export class TerraBit {
  readonly codes: Uint8Array[] = []
  constructor(readonly dims: number) {}

  add(embeddings: Float32Array, rows: number): void {
    const { dims } = this
    for (let r = 0; r < rows; r++) {
      const code = new Uint8Array(Math.ceil(dims / 8))
      for (let j = 0; j < dims; j++) if (embeddings[r * dims + j]! > 0) code[j >> 3]! |= 1 << (j & 7)
      this.codes.push(code)
    }
  }

  /** The k chips of least mean Hamming distance to the examples (ties by ordinal). */
  search(examples: readonly number[], k: number): Uint32Array {
    const n = this.codes.length
    const qs = examples.map((e) => this.codes[e]!)
    const dist = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const c = this.codes[i]!
      let total = 0
      for (const q of qs) {
        let h = 0
        for (let b = 0; b < c.length; b++) h += POP8[c[b]! ^ q[b]!]!
        total += h
      }
      dist[i] = total / qs.length
    }
    const order = Array.from({ length: n }, (_, i) => i)
    order.sort((a, b) => dist[a]! - dist[b]! || a - b)
    return Uint32Array.from(order.slice(0, k))
  }
}

/** One pass over the archive filling both peers and the ANN sample. */
export async function loadPeers(manifest: ArchiveManifest & { dir: string }, sampleRows: number, log?: (line: string) => void): Promise<Loaded> {
  const started = performance.now()
  const dims = manifest.params.dims
  const exact = new SearchIndex(dims)
  const terrabit = new TerraBit(dims)
  const take = Math.min(sampleRows, manifest.chips)
  const sample = new Float32Array(take * dims)
  await forEachFile(manifest, ({ file, offset, embeddings, index }) => {
    exact.addSegment(embeddings, file.rows)
    terrabit.add(embeddings, file.rows)
    for (let r = 0; r < file.rows && offset + r < take; r++) for (let j = 0; j < dims; j++) sample[(offset + r) * dims + j] = embeddings[r * dims + j]! - manifest.mean[j]!
    if (log && index % 200 === 199) log(`peers: ${index + 1}/${manifest.files.length} files loaded`)
  })
  return { exact, terrabit, sample, sampleRows: take, loadSeconds: (performance.now() - started) / 1000 }
}

/** The exact peer's top k for the examples (centred mean query). */
export function exactSearch(index: SearchIndex, examples: readonly number[], k: number): { top: Uint32Array; candidates: number } {
  const out = index.rank({ positives: [...examples], negatives: [], mode: 'centred', method: 'mean', precision: 'exact', topK: k, suggest: 0 })
  if (!out) throw new Error('nothing to rank')
  return { top: out.top, candidates: out.stats.candidates }
}
