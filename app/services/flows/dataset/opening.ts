// Opens datasets: one file, a folder of files on object storage (listed S3-style), or an entry
// of a catalog. Opening is atomic: a file is decoded, or a folder listed, before anything already
// on the map is replaced, so a broken link never costs the person their current search. A
// folder's files then load for the view (loading.ts); examples the data lacks are settled as the
// data arrives (reconcile.ts).

import { ChipCollection } from '../../../lib/chip-collection.ts'
import { guessLayout, parseCatalog, type CatalogEntry } from '../../../lib/catalog/catalog.ts'
import type { FileRecord } from '../../../lib/catalog/load-plan.ts'
import { bboxRing, unionBBox, type BBox } from '../../../lib/bbox.ts'
import { listObjects, parseS3Url, type S3Location } from '../../../lib/catalog/s3-list.ts'
import { fileNameFromUrl } from '../../../lib/http/range-buffer.ts'
import { forgetCachedFiles, resilientFetch } from '../../../lib/http/resilient-fetch.ts'
import type { FileSource } from '../../../../workers/decode/protocol.ts'
import { DatasetError, errorMessage, isAbortError } from '../../../lib/errors.ts'
import { NO_DATASET_MODEL, useAppStore, type AppState } from '../../../state/store.ts'
import { builtinEntry } from '../../resources/builtin-catalog.ts'
import { addDecoded, settledExamples, type DatasetContext, type DatasetDeps, type OpenDataset } from './open-dataset.ts'
import { createFolderLoader, recordFor } from './loading.ts'
import { ownIndexKey, type ArchiveService } from '../archive.ts'
import type { LocalIndexService } from '../local-index.ts'
import { INDEX_FOLDER, INDEX_FORMAT } from '../../../lib/archive/header.ts'

export interface DatasetService {
  /** Open a file from the person's computer; nothing leaves the browser. */
  openLocalFile(file: File): void
  /** Open an entry picked in the dataset picker. */
  openEntry(entry: CatalogEntry): void
  /** Open the current dataset again (after an error, say). */
  reload(): void
  /** Stop the file loads under way; panning starts them again. */
  cancelLoading(): void
  /** Drop every cached byte range, then reload. */
  forgetCache(): Promise<void>
  /** Drop the examples the loaded chips lack, once nothing more can bring them (the archive flow, when no index vouches for them). */
  settleExamples(): void
  stop(): void
}

const PARQUET_NAME = /\.(parquet|gpq|geoparquet|pq)$/i

function isIndexHeader(json: unknown): json is { format: string; base?: unknown } {
  return json !== null && typeof json === 'object' && (json as { format?: unknown }).format === INDEX_FORMAT
}

export function startDatasetService(
  deps: DatasetDeps & { demoUrl: string; archive: Pick<ArchiveService, 'open' | 'close'>; localIndex?: Pick<LocalIndexService, 'close' | 'noIndex'> },
): DatasetService {
  const { search, pool, registry, demoUrl, archive, localIndex } = deps
  const store = useAppStore
  const fetchForLists = resilientFetch({ cache: false })
  let openController: AbortController | null = null
  const ctx: DatasetContext = { search, pool, registry, open: null, fitToData }
  const loader = createFolderLoader(ctx)
  let localFile: File | null = null
  /** The picker entry being opened, so its title and model go with its URL. */
  let pendingEntry: CatalogEntry | null = null
  /** The model and STAC API of the dataset being opened (its catalog entry's); the store's datasetModel once it opens. */
  let openingModel: AppState['datasetModel'] = NO_DATASET_MODEL
  /** The archive index the catalog entry being opened names, if any. */
  let openingIndex: string | null = null
  /** The dataset the page was opened on, and the model and STAC API its link named (a link has no catalog entry). */
  const fromLink = { url: store.getState().datasetUrl, model: store.getState().datasetModel }

  /** Replace the open dataset with a new, empty one. Only called once the new one is known to open. */
  async function commit(kind: OpenDataset['kind'], title: string, files: FileRecord[], model: { name: string | null; dims: number | null }): Promise<OpenDataset> {
    loader.reset()
    localIndex?.close()
    const epoch = registry.epoch + 1
    await search.call('reset', { epoch })
    registry.epoch = epoch
    registry.chips = new ChipCollection()
    registry.files = files
    registry.ranking = null
    const open: OpenDataset = { epoch, kind, title, dims: model.dims, modelLabel: model.name, identity: null, dates: new Set(), loadedBytes: 0, pendingBytes: 0 }
    ctx.open = open
    store.setState((s) => ({
      summary: null,
      collectionTitle: kind === 'folder' ? title : null,
      datasetVersion: s.datasetVersion + 1,
      rankingVersion: s.rankingVersion + 1,
      rankingStatus: 'idle',
      filesProgress: null,
      here: null,
      stopReason: null,
      loadedBytes: 0,
      coverageVersion: s.coverageVersion + 1,
      fileCounts: loader.countFiles(),
      datasetModel: openingModel,
    }))
    return open
  }

  /** Frame a dataset that has just opened, unless a link said where to look: then its view stays
   * (once; later datasets are framed as usual). */
  function fitToData(bbox: BBox): void {
    const s = store.getState()
    if (s.linkView) {
      store.setState({ linkView: null })
      return
    }
    s.fitTo(bbox)
  }

  // ---- one file -------------------------------------------------------------------------

  async function openSingleFile(source: FileSource, fileName: string): Promise<void> {
    openController?.abort()
    const controller = new AbortController()
    openController = controller
    store.setState({ loadStatus: 'loading', loadError: null, loadProgress: { fileName, bytesRead: 0, totalBytes: null, chips: 0 } })
    try {
      const decoded = await pool.decode(source, {
        signal: controller.signal,
        onProgress: (p) => store.setState({ loadProgress: { fileName, ...p } }),
      })
      if (controller.signal.aborted) return
      const record: FileRecord = {
        key: fileName,
        url: source.kind === 'url' ? source.url : fileName,
        size: null,
        footprint: bboxRing(decoded.summary.bbox),
        bbox: decoded.summary.bbox,
        rows: decoded.summary.count,
        status: 'loading',
      }
      const ds = await commit('file', fileName, [record], { name: null, dims: null })
      archive.close()
      // One store change: the data, 'ready', and the examples it lacks dropped.
      await addDecoded(ctx, ds, record, decoded, () => ({ loadStatus: 'ready', ...settledExamples(ctx, ds) }))
      fitToData(decoded.summary.bbox)
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      store.setState({ loadStatus: 'error', loadError: errorMessage(err) })
      store.getState().notify('error', errorMessage(err))
    }
  }

  // ---- a folder of files -----------------------------------------------------------------

  async function openFolder(url: string, title: string, model: { name: string | null; dims: number | null }): Promise<void> {
    openController?.abort()
    const controller = new AbortController()
    openController = controller
    store.setState({ loadStatus: 'loading', loadError: null, loadProgress: { fileName: title, bytesRead: 0, totalBytes: null, chips: 0 } })
    try {
      const { s3, listing } = await listFolder(url, title, controller.signal)
      if (controller.signal.aborted) return
      // An archive index beside the data (docs/index-format.md) holds Parquet files too, of codes, not embeddings.
      const files = listing.objects
        .filter((o) => PARQUET_NAME.test(o.key) && !o.key.split('/').includes(INDEX_FOLDER))
        .map((o) => ({ ...recordFor(o.key, s3.objectUrl(o.key), o.size), etag: o.etag ?? null }))
      if (files.length === 0)
        throw new DatasetError('no-rows', title, `No GeoParquet files were found under ${url}. Check the folder's address.`)
      const ds = await commit('folder', title, files, model)
      // Before the files load, so that the examples they lack wait for the index's word on them.
      // A folder's own index is read only when the listing has it: no request goes out for one
      // that isn't there.
      const ownKey = ownIndexKey(s3.prefix)
      const own = listing.objects.find((o) => o.key === ownKey)
      const listed = files.map((f) => ({ url: f.url, bytes: f.size }))
      if (openingIndex !== null) archive.open(ds.epoch, openingIndex, listed)
      else if (own) archive.open(ds.epoch, s3.objectUrl(own.key), listed)
      else {
        archive.close()
        // No published index: the person may make one in the browser (flows/local-index.ts).
        localIndex?.noIndex(ds.epoch, url.endsWith('/') ? url : `${url}/`)
      }
      store.setState({ loadStatus: 'ready' })
      const located = unionBBox(files.filter((f) => f.bbox).map((f) => f.bbox!))
      if (located) fitToData(located)
      void loader.locate(ds)
      loader.loadExampleFiles(ds)
      loader.schedule()
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      store.setState({ loadStatus: 'error', loadError: errorMessage(err) })
      store.getState().notify('error', errorMessage(err))
    }
  }

  /**
   * List a folder. On an unknown host a path-style link doesn't say how many of its segments
   * name the bucket (MinIO: one; a proxy at /s3/<bucket>: two), so try one, two, then three,
   * and report the most telling failure if none lists.
   */
  async function listFolder(url: string, title: string, signal: AbortSignal) {
    const first = parseS3Url(url)
    const tries: S3Location[] = []
    if (first.style !== 'path-style') tries.push(first)
    else
      for (const n of [1, 2, 3]) {
        try {
          const s3 = parseS3Url(url, { bucketSegments: n })
          if (!tries.some((t) => t.listUrl === s3.listUrl)) tries.push(s3)
        } catch {
          // Fewer segments than that: no bucket at this depth.
        }
      }
    // 403 says the most (the bucket is there but refuses); 400 and 404 mostly say "not a bucket here".
    const telling = (err: unknown) => (err instanceof DatasetError ? (err.status === 403 ? 3 : err.status === 400 || err.status === 404 ? 1 : 2) : 2)
    let failure: unknown = null
    for (const s3 of tries) {
      try {
        const listing = await listObjects(s3.listUrl, { prefix: s3.prefix, signal, fetch: fetchForLists, label: title })
        return { s3, listing }
      } catch (err) {
        if (isAbortError(err)) throw err
        // No network or no CORS looks the same at every depth: stop at once.
        if (err instanceof DatasetError && err.code === 'network') throw err
        if (failure === null || telling(err) > telling(failure)) failure = err
      }
    }
    throw failure
  }

  // ---- entry points ----------------------------------------------------------------------

  async function openCatalog(url: string): Promise<void> {
    openController?.abort()
    const controller = new AbortController()
    openController = controller
    try {
      const response = await fetchForLists(url, { signal: controller.signal })
      if (!response.ok) throw new DatasetError('http', fileNameFromUrl(url), `The catalog at ${url} could not be read: the server answered ${response.status}.`, response.status)
      const text = await response.text()
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        throw new DatasetError('not-parquet', fileNameFromUrl(url), `${fileNameFromUrl(url)} isn't a catalog: it is not JSON.`)
      }
      // An archive index's header opens the folder it indexes, searched everywhere through it.
      if (isIndexHeader(json)) {
        const base = typeof json.base === 'string' ? json.base : '../'
        openingIndex = url
        const folder = new URL(base, url).href
        void openFolder(folder, decodeURIComponent(folder.replace(/\/+$/, '').split('/').pop() ?? folder), { name: null, dims: null })
        return
      }
      const catalog = parseCatalog(json, url)
      if (catalog.entries.length === 0) throw new DatasetError('no-rows', fileNameFromUrl(url), `The catalog ${fileNameFromUrl(url)} lists no datasets. ${catalog.problems.join(' ')}`)
      if (catalog.problems.length) store.getState().notify('warning', `Catalog: ${catalog.problems.join(' ')}`)
      store.setState({ catalog: { url, entries: catalog.entries }, pickerOpen: true, loadStatus: registry.chips ? 'ready' : 'idle' })
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      store.setState({ loadStatus: 'error', loadError: errorMessage(err) })
      store.getState().notify('error', errorMessage(err))
    }
  }

  function openUrl(url: string, title?: string, model: { name: string | null; dims: number | null } = { name: null, dims: null }, layout = guessLayout(url)): void {
    if (layout === 'catalog') void openCatalog(url)
    else if (layout === 'file') void openSingleFile({ kind: 'url', url }, fileNameFromUrl(url))
    else void openFolder(url, title ?? decodeURIComponent(url.replace(/\/+$/, '').split('/').pop() ?? url), model)
  }

  function openCurrent(): void {
    if (localFile) {
      openingModel = NO_DATASET_MODEL
      openingIndex = null
      void openSingleFile({ kind: 'file', file: localFile, fileName: localFile.name }, localFile.name)
      return
    }
    const url = store.getState().datasetUrl ?? demoUrl
    const entry = pendingEntry?.href === url ? pendingEntry : (builtinEntry(url, demoUrl) ?? store.getState().catalog?.entries.find((e) => e.href === url))
    pendingEntry = null
    openingIndex = entry?.index ?? null
    openingModel = entry
      ? { modelId: entry.modelId ?? null, stac: entry.stac ?? null }
      : store.getState().datasetUrl === fromLink.url
        ? fromLink.model
        : NO_DATASET_MODEL
    if (entry) openUrl(url, entry.title, { name: entry.modelName, dims: entry.dims }, entry.layout)
    else openUrl(url)
  }

  let scheduleTimer: ReturnType<typeof setTimeout> | null = null
  const unsubscribe = store.subscribe((s: AppState, prev: AppState) => {
    if (s.datasetUrl !== prev.datasetUrl) {
      localFile = null
      openCurrent()
      return
    }
    if (s.viewBounds !== prev.viewBounds || s.budgetBytes !== prev.budgetBytes) {
      if (scheduleTimer !== null) clearTimeout(scheduleTimer)
      scheduleTimer = setTimeout(loader.schedule, 150)
    }
  })

  openCurrent()

  return {
    openLocalFile(file) {
      localFile = file
      openingModel = NO_DATASET_MODEL
      store.setState({ localFileName: file.name, pickerOpen: false })
      void openSingleFile({ kind: 'file', file, fileName: file.name }, file.name)
    },
    openEntry(entry) {
      store.setState({ pickerOpen: false })
      localFile = null
      pendingEntry = entry
      // The demo is the absence of a dataset in the link.
      const url = entry.href === demoUrl ? null : entry.href
      if (store.getState().datasetUrl === url) openCurrent()
      else store.getState().setDatasetUrl(url)
    },
    reload: openCurrent,
    cancelLoading: loader.cancel,
    settleExamples() {
      const ds = ctx.open
      if (!ds) return
      const patch = settledExamples(ctx, ds)
      if (Object.keys(patch).length > 0) store.setState(patch)
    },
    async forgetCache() {
      await forgetCachedFiles()
      store.getState().notify('info', 'Cached files were forgotten; they will be downloaded again.')
    },
    stop() {
      unsubscribe()
      openController?.abort()
      loader.stop()
    },
  }
}
