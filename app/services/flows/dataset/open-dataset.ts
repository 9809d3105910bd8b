// The dataset that is open now, and how a decoded file joins it. Shared by opening (a single
// file joins as it opens) and loading (a folder's files join as they arrive).

import type { ChipCollection } from '../../../lib/chip-collection.ts'
import type { FileRecord } from '../../../lib/catalog/load-plan.ts'
import { bboxRing, unionBBox } from '../../../lib/bbox.ts'
import { checkIdentity, datasetIdentity, type DatasetIdentity } from '../../../lib/geoparquet/footer.ts'
import type { FileSummary } from '../../../lib/geoparquet/types.ts'
import type { DecodePool } from '../../../../workers/decode/pool.ts'
import type { DecodedFile } from '../../../../workers/decode/protocol.ts'
import type { SearchClient } from '../../../../workers/search/client.ts'
import { useAppStore, type AppState } from '../../../state/store.ts'
import type { Registry } from '../../resources/registry.ts'
import { reconcileExamples } from './reconcile.ts'

export interface OpenDataset {
  epoch: number
  kind: 'file' | 'folder'
  title: string
  dims: number | null
  modelLabel: string | null
  /** What the first loaded file says the dataset is; later files must match it (footer.ts checkIdentity). */
  identity: DatasetIdentity | null
  dates: Set<string>
  loadedBytes: number
  /** Embedding bytes promised to files queued or loading. */
  pendingBytes: number
}

export interface DatasetDeps {
  search: SearchClient
  pool: DecodePool
  registry: Registry
}

/** What opening and loading share: the workers, the registry, and which dataset is open. */
export interface DatasetContext extends DatasetDeps {
  /** The open dataset; null before the first has opened. A job for another one stops. */
  open: OpenDataset | null
  /** Frame a dataset that has just opened (unless a link said where to look). */
  fitToData(bbox: [number, number, number, number]): void
}

function summaryOf(registry: Registry, open: OpenDataset, chips: ChipCollection, last: FileSummary): FileSummary {
  const boxes = registry.files.filter((f) => f.status === 'loaded' && f.bbox).map((f) => f.bbox!)
  return {
    ...last,
    fileName: open.kind === 'folder' ? open.title : last.fileName,
    modelLabel: open.modelLabel,
    dims: open.dims ?? last.dims,
    count: chips.count,
    totalRows: chips.count,
    dates: [...open.dates].sort(),
    bbox: (unionBBox(boxes) ?? last.bbox) as FileSummary['bbox'],
  }
}

/** Whether anything more could still bring chips: files queued or loading. */
export function moreToCome(registry: Registry, ds: OpenDataset): boolean {
  return ds.kind === 'folder' && registry.files.some((f) => f.status === 'queued' || f.status === 'loading')
}

/**
 * The examples the loaded chips lack, as part of a store change, once nothing more can bring
 * them (reconcile.ts); the notice goes out with it. An empty patch when there is nothing to drop.
 */
export function settledExamples(ctx: DatasetContext, ds: OpenDataset): Partial<AppState> {
  const chips = ctx.registry.chips
  if (!chips || moreToCome(ctx.registry, ds)) return {}
  const s = useAppStore.getState()
  // An archive index being read, or read, vouches for chips anywhere in the set: the archive
  // search says which of them it lacks (app/services/flows/archive.ts).
  if (s.archive && s.archive.status !== 'error') return {}
  const r = reconcileExamples(chips, s, ds.kind)
  if (!r) return {}
  s.notify('warning', r.notice)
  return { positives: r.positives, negatives: r.negatives }
}

/**
 * Add one decoded file to the open dataset, unless it doesn't belong (then it is marked skipped,
 * with a notice) or another dataset opened meanwhile. `more` is merged into
 * the same store change (the loader's settled examples, the opening's 'ready'), so that whatever
 * reacts to the data (ranking, the address bar) sees one change.
 */
export async function addDecoded(
  ctx: DatasetContext,
  ds: OpenDataset,
  record: FileRecord,
  decoded: DecodedFile,
  more: () => Partial<AppState> = () => ({}),
): Promise<void> {
  const { registry } = ctx
  const store = useAppStore
  const { summary } = decoded
  const identity = datasetIdentity(summary)
  // Until a file has loaded, the catalog entry's dims are all the dataset is known by.
  const reason = checkIdentity(identity, ds.identity ?? datasetIdentity({ family: 'unknown', modelLabel: ds.modelLabel, dims: ds.dims, embeddingColumn: null }))
  if (reason) {
    record.status = 'skipped'
    record.message = `${summary.fileName} was skipped: ${reason}. Its embeddings can't be compared with the rest.`
    store.getState().notify('warning', record.message)
    return
  }
  await ctx.search.call('addSegment', { epoch: ds.epoch, embeddings: decoded.embeddings, count: summary.count, dims: summary.dims })
  if (ds !== ctx.open) return
  ds.identity ??= identity
  ds.dims ??= summary.dims
  ds.modelLabel ??= summary.modelLabel
  for (const d of summary.dates) ds.dates.add(d)
  const bytes = summary.count * summary.dims * 4
  ds.loadedBytes += bytes
  registry.chips!.add(record.key, decoded.chips)
  record.status = 'loaded'
  record.rows = summary.count
  record.bbox ??= summary.bbox
  record.footprint ??= bboxRing(summary.bbox)
  if (decoded.skipped.length > 0) {
    const first = decoded.skipped[0]!
    const n = decoded.skipped.length
    store.getState().notify('warning', `${summary.fileName}: ${n} chip${n > 1 ? 's were' : ' was'} skipped (row ${first.row}: ${first.reason}${n > 1 ? '; …' : ''}).`)
  }
  const extra = more()
  store.setState((s) => ({
    summary: summaryOf(registry, ds, registry.chips!, summary),
    datasetVersion: s.datasetVersion + 1,
    loadedBytes: ds.loadedBytes,
    ...extra,
  }))
}
