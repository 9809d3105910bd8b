// "Make this set searchable everywhere", for a folder with no published index: every file of the
// folder read once through the decode pool, a few at a time, each coded in its worker (only the
// codes, ids, rows, centroids and dates come back; never the float32 rows), kept in the
// browser's own storage (app/lib/archive/local-build.ts, local-store.ts) file by file, so a
// reload keeps what was done and the next run goes on from there. When every file is done the
// parts are joined into an index like a published one, and the archive flow opens it into the
// search worker by its chipfinder-local: URL (workers/search/local-archive-io.ts): one search path.
// What is kept belongs to the folder's URL and its files as listed (size and ETag): a changed
// listing makes it stale, and updating it codes only the files that changed.

import {
  LOCAL_PLAN_VERSION,
  buildProgress,
  compareListing,
  dropLocalIndex,
  estimateSeconds,
  folderUrlOf,
  identityProblem,
  localIndexUrl,
  meanOf,
  mergeLocal,
  readLocalHeader,
  readMarkers,
  readPlan,
  sampleIndices,
  saveFile,
  writePlan,
  type ListedFile,
  type LocalMarker,
  type LocalPlan,
} from '../../lib/archive/local-build.ts'
import { openLocalStore, type LocalStore } from '../../lib/archive/local-store.ts'
import { estimateEmbeddingBytes, type FileRecord } from '../../lib/catalog/load-plan.ts'
import { DatasetError, WorkerError, errorMessage, isAbortError } from '../../lib/errors.ts'
import type { DatasetIdentity } from '../../lib/geoparquet/footer.ts'
import type { DecodePool } from '../../../workers/decode/pool.ts'
import { useAppStore, type LocalIndexState } from '../../state/store.ts'
import type { Registry } from '../resources/registry.ts'
import type { ArchiveService } from './archive.ts'

export interface LocalIndexService {
  /** A folder opened as dataset `epoch` and has no published index: see what is kept for it. */
  noIndex(epoch: number, folderUrl: string): void
  /** Another dataset (or one with an index) opened: stop and forget the last folder's state. */
  close(): void
  /** Start, continue or update making the open folder searchable everywhere. */
  start(): void
  /** Stop reading; what is done is kept. */
  cancel(): void
  stop(): void
}

export interface LocalIndexDeps {
  pool: DecodePool
  registry: Registry
  archive: Pick<ArchiveService, 'open'>
  /** The store to keep indexes in; the browser's best by default (tests pass a memory one). */
  openStore?: () => Promise<LocalStore | null>
}

/** Errors worth another try later (the network, the server): the file gets no marker. */
const TRANSIENT = new Set(['http', 'network', 'truncated', 'aborted'])
/** Files read at once at most; fewer when their vectors would crowd the memory budget. */
const MAX_AT_ONCE = 3
/** The plan's rate is saved at most this often (it goes with every marker anyway on the last file). */
const SAVE_RATE_MS = 2000

function listedFiles(folder: string, files: readonly FileRecord[]): ListedFile[] {
  return files
    .filter((f) => f.size !== null)
    .map((f) => ({ key: f.url.startsWith(folder) ? f.url.slice(folder.length) : f.url, url: f.url, bytes: f.size!, etag: f.etag ?? null }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

export function startLocalIndexService({ pool, registry, archive, openStore = openLocalStore }: LocalIndexDeps): LocalIndexService {
  const store = useAppStore
  let current: { epoch: number; folder: string; files: ListedFile[] } | null = null
  let running: AbortController | null = null

  const set = (patch: Partial<LocalIndexState>) => {
    const s = store.getState().localIndex
    if (s && current && s.folder === current.folder) store.setState({ localIndex: { ...s, ...patch } })
  }

  function base(folder: string, files: ListedFile[]): LocalIndexState {
    const bytes = files.reduce((s, f) => s + f.bytes, 0)
    return { folder, storage: null, status: 'checking', files: files.length, bytes, done: 0, doneBytes: 0, seconds: 0, measured: false, sampling: false, changes: null, message: null }
  }

  /** The offer, as far as the store says: what is done, what is left and how long it should take. */
  async function describe(kv: LocalStore, folder: string, files: ListedFile[]): Promise<Partial<LocalIndexState>> {
    const plan = await readPlan(kv, folder)
    const markers = await readMarkers(kv, folder)
    const p = buildProgress(files, markers)
    // Before the first run, μ's sample is read as well (its second read comes from the cache).
    const sampleBytes = plan ? 0 : sampleIndices(files.length).reduce((s, i) => s + files[i]!.bytes, 0)
    const e = estimateSeconds(p.todoBytes + sampleBytes, plan?.measured ?? null)
    return { storage: kv.kind, files: p.files, bytes: p.bytes, done: p.done, doneBytes: p.doneBytes, seconds: e.seconds, measured: e.measured }
  }

  async function check(epoch: number, folder: string): Promise<void> {
    const files = listedFiles(folder, registry.files)
    current = { epoch, folder, files }
    store.setState({ localIndex: base(folder, files) })
    const kv = await openStore()
    if (current?.epoch !== epoch) return
    if (!kv) {
      set({ status: 'unavailable', message: 'This browser can’t keep data for this page (private browsing may block it), so the set can’t be made searchable everywhere here.' })
      return
    }
    try {
      const plan = await readPlan(kv, folder)
      const url = localIndexUrl(kv.kind, folder)
      const header = plan ? await readLocalHeader(kv, folder, url) : null
      const described = await describe(kv, folder, files)
      if (current?.epoch !== epoch) return
      if (plan && header) {
        const changes = compareListing(plan.files, files)
        if (changes.added + changes.changed + changes.removed === 0) {
          set({ ...described, status: 'ready' })
          archive.open(epoch, url)
          return
        }
        set({ ...described, status: 'stale', changes })
        return
      }
      set({ ...described, status: 'offer' })
    } catch (err) {
      if (current?.epoch === epoch) set({ status: 'error', message: `What this browser kept for the set can’t be read: ${errorMessage(err)}` })
    }
  }

  /** μ and the identity from an even sample of the files (their float32 rows stay in the workers). */
  async function makePlan(folder: string, files: ListedFile[], signal: AbortSignal, onFile: (bytes: number) => void): Promise<LocalPlan> {
    const picked = sampleIndices(files.length).map((i) => files[i]!)
    const results = await Promise.all(
      picked.map(async (f) => {
        try {
          const r = await pool.codeFile(f.url, null, { signal })
          onFile(f.bytes)
          return r
        } catch (err) {
          if (isAbortError(err) || signal.aborted) throw err
          return null
        }
      }),
    )
    let identity: DatasetIdentity | null = null
    const sums: Float64Array[] = []
    const sample: string[] = []
    let chips = 0
    results.forEach((r, n) => {
      if (!r || !r.sum) return
      identity ??= r.identity
      if (identityProblem(r.identity, identity) !== null) return
      sums.push(r.sum)
      chips += r.chips
      sample.push(picked[n]!.key)
    })
    if (!identity || sums.length === 0 || chips === 0) throw new DatasetError('no-rows', folder, 'None of the sampled files of this set could be read, so it can’t be made searchable everywhere.')
    return {
      version: LOCAL_PLAN_VERSION,
      folder,
      created: new Date().toISOString(),
      identity,
      mean: Array.from(meanOf(sums, chips)),
      sample,
      files,
      measured: { bytes: 0, ms: 0 },
    }
  }

  async function build(): Promise<void> {
    const at = current
    if (!at || running) return
    const { epoch, folder, files } = at
    const controller = new AbortController()
    running = controller
    const signal = controller.signal
    const alive = () => !signal.aborted && current === at && registry.epoch === epoch
    try {
      const kv = await openStore()
      if (!kv) return
      const t0 = performance.now()
      let bytesThisRun = 0
      let lastSave = t0
      let markers = await readMarkers(kv, folder)
      let p = buildProgress(files, markers)
      set({ status: 'working', sampling: false, message: null, changes: null })
      let plan0 = await readPlan(kv, folder)
      if (!plan0) {
        set({ sampling: true })
        plan0 = await makePlan(folder, files, signal, (b) => (bytesThisRun += b))
        if (!alive()) return
      }
      // An update keeps μ and the files that haven't changed; the finished index is made again.
      const plan: LocalPlan = { ...plan0, files }
      await dropLocalIndex(kv, folder)
      await writePlan(kv, plan)
      const prior = plan.measured
      const rate = () => ({ bytes: prior.bytes + bytesThisRun, ms: prior.ms + (performance.now() - t0) })
      const publish = () => {
        const e = estimateSeconds(p.todoBytes, rate())
        set({ status: 'working', sampling: false, done: p.done, doneBytes: p.doneBytes, seconds: e.seconds, measured: e.measured })
      }
      publish()
      const mean = Float32Array.from(plan.mean)
      const budget = store.getState().budgetBytes
      const dims = plan.identity.dims
      const todo = [...p.todo]
      const biggest = Math.max(1, ...todo.map((f) => estimateEmbeddingBytes({ key: f.key, url: f.url, size: f.bytes, footprint: null, bbox: null, rows: null, status: 'idle' }, dims)))
      const atOnce = Math.max(1, Math.min(MAX_AT_ONCE, pool.size, Math.floor(budget / 4 / biggest)))
      let failure: unknown = null
      const worker = async () => {
        while (todo.length > 0 && alive() && failure === null) {
          const f = todo.shift()!
          let marker: LocalMarker
          try {
            const r = await pool.codeFile(f.url, mean, { signal })
            const why = identityProblem(r.identity, plan.identity)
            marker =
              why !== null || !r.code
                ? await saveFile(kv, folder, f, { rows: r.rows, skipped: why ?? 'its embeddings have another length than the set’s' })
                : await saveFile(kv, folder, f, { rows: r.rows, code: r.code })
          } catch (err) {
            if (isAbortError(err) || signal.aborted) return
            // Only what the file itself is (not Parquet, another model…) leaves it out for good;
            // the network, the server or a failure of the app's own gets another try.
            if (!(err instanceof DatasetError || err instanceof WorkerError) || TRANSIENT.has(err.code) || err.code === 'internal') {
              failure = err
              return
            }
            marker = await saveFile(kv, folder, f, { rows: 0, skipped: errorMessage(err) })
          }
          if (!alive()) return
          bytesThisRun += f.bytes
          markers = new Map(markers).set(f.key, marker)
          p = buildProgress(files, markers)
          publish()
          if (performance.now() - lastSave > SAVE_RATE_MS) {
            lastSave = performance.now()
            await writePlan(kv, { ...plan, measured: rate() })
          }
        }
      }
      await Promise.all(Array.from({ length: atOnce }, worker))
      if (!alive()) return
      await writePlan(kv, { ...plan, measured: rate() })
      if (failure !== null) {
        const d = await describe(kv, folder, files)
        set({ ...d, status: 'offer', message: `Stopped: ${errorMessage(failure)} What was read so far is kept; try again to go on.` })
        return
      }
      set({ status: 'finishing' })
      const header = await mergeLocal(kv, plan, markers)
      if (!alive()) return
      if (header.chips === 0) {
        await dropLocalIndex(kv, folder)
        const why = header.skipped[0]
        set({ status: 'error', message: `None of the set’s files could be read${why ? ` (${why.key}: ${why.reason})` : ''}.` })
        return
      }
      set({ status: 'ready', done: p.files, doneBytes: p.bytes, seconds: 0 })
      archive.open(epoch, localIndexUrl(kv.kind, folder))
    } catch (err) {
      if (isAbortError(err) || !alive()) return
      set({ status: 'error', message: errorMessage(err) })
    } finally {
      if (running === controller) running = null
    }
  }

  async function cancel(): Promise<void> {
    const at = current
    running?.abort()
    running = null
    if (!at) return
    const kv = await openStore()
    if (!kv || current !== at) return
    const d = await describe(kv, at.folder, at.files)
    if (current === at) set({ ...d, status: 'offer', message: null })
  }

  return {
    noIndex(epoch, folderUrl) {
      running?.abort()
      running = null
      void check(epoch, folderUrlOf(folderUrl))
    },
    close() {
      running?.abort()
      running = null
      current = null
      if (store.getState().localIndex !== null) store.setState({ localIndex: null })
    },
    start() {
      void build()
    },
    cancel() {
      void cancel()
    },
    stop() {
      running?.abort()
      running = null
      current = null
    },
  }
}
