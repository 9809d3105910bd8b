// The browser's own storage for indexes made in the app (local-build.ts): a few named files
// per set, in the origin private file system (OPFS) where the browser has it, else IndexedDB.
// Both the page (which writes while it codes a set) and the search worker (which reads the
// finished index, workers/search/local-archive-io.ts) open the same store. Paths are
// '/'-separated, relative to the store's root; `memoryStore` is for tests.

export type LocalStoreKind = 'opfs' | 'indexeddb' | 'memory'

export interface LocalStore {
  readonly kind: LocalStoreKind
  /** The file's bytes, or null when there is none. */
  read(path: string): Promise<Uint8Array | null>
  /** Writes the whole file (replacing it). */
  write(path: string, data: Uint8Array | string): Promise<void>
  /** The names of the files directly in `dir`. */
  list(dir: string): Promise<string[]>
  /** Removes a file, or a folder and all in it. */
  remove(path: string): Promise<void>
}

/** How the UI names each kind. */
export const STORE_NAMES: Record<LocalStoreKind, string> = {
  opfs: 'the browser’s private file storage',
  indexeddb: 'the browser’s database storage (IndexedDB)',
  memory: 'memory (lost on reload)',
}

const bytesOf = (data: Uint8Array | string): Uint8Array => (typeof data === 'string' ? new TextEncoder().encode(data) : data)
const split = (path: string) => path.split('/').filter((s) => s.length > 0)

export function memoryStore(): LocalStore {
  const files = new Map<string, Uint8Array>()
  return {
    kind: 'memory',
    async read(path) {
      const f = files.get(split(path).join('/'))
      return f ? f.slice() : null
    },
    async write(path, data) {
      files.set(split(path).join('/'), bytesOf(data).slice())
    },
    async list(dir) {
      const prefix = split(dir).join('/') + '/'
      return [...files.keys()].filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/')).map((k) => k.slice(prefix.length))
    },
    async remove(path) {
      const p = split(path).join('/')
      for (const k of [...files.keys()]) if (k === p || k.startsWith(p + '/')) files.delete(k)
    },
  }
}

// ---- OPFS --------------------------------------------------------------------------------

interface WritableDir extends FileSystemDirectoryHandle {
  keys(): AsyncIterableIterator<string>
}

function opfsStore(root: FileSystemDirectoryHandle): LocalStore {
  async function dirOf(parts: string[], create: boolean): Promise<FileSystemDirectoryHandle | null> {
    let d = root
    for (const p of parts) {
      try {
        d = await d.getDirectoryHandle(p, { create })
      } catch {
        return null
      }
    }
    return d
  }
  return {
    kind: 'opfs',
    async read(path) {
      const parts = split(path)
      const dir = await dirOf(parts.slice(0, -1), false)
      if (!dir) return null
      try {
        const file = await (await dir.getFileHandle(parts[parts.length - 1]!)).getFile()
        return new Uint8Array(await file.arrayBuffer())
      } catch {
        return null
      }
    },
    async write(path, data) {
      const parts = split(path)
      const dir = (await dirOf(parts.slice(0, -1), true))!
      const handle = await dir.getFileHandle(parts[parts.length - 1]!, { create: true })
      // A writable stream replaces the file when it closes, so a reload mid-write leaves the old one.
      const w = await handle.createWritable()
      await w.write(bytesOf(data) as Uint8Array<ArrayBuffer>)
      await w.close()
    },
    async list(dir) {
      const d = (await dirOf(split(dir), false)) as WritableDir | null
      if (!d) return []
      const out: string[] = []
      for await (const k of d.keys()) out.push(k)
      return out
    },
    async remove(path) {
      const parts = split(path)
      const dir = await dirOf(parts.slice(0, -1), false)
      if (!dir) return
      try {
        await dir.removeEntry(parts[parts.length - 1]!, { recursive: true })
      } catch {
        // Not there: nothing to remove.
      }
    },
  }
}

// ---- IndexedDB ---------------------------------------------------------------------------

const IDB_NAME = 'chipfinder-local-index'
const IDB_STORE = 'files'

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

function idbStore(db: IDBDatabase): LocalStore {
  const tx = (mode: IDBTransactionMode) => db.transaction(IDB_STORE, mode).objectStore(IDB_STORE)
  const under = (dir: string) => {
    const p = split(dir).join('/') + '/'
    return IDBKeyRange.bound(p, p + '\uffff')
  }
  return {
    kind: 'indexeddb',
    async read(path) {
      const v = (await request(tx('readonly').get(split(path).join('/')))) as Uint8Array | undefined
      return v ?? null
    },
    async write(path, data) {
      await request(tx('readwrite').put(bytesOf(data), split(path).join('/')))
    },
    async list(dir) {
      const prefix = split(dir).join('/') + '/'
      const keys = (await request(tx('readonly').getAllKeys(under(dir)))) as string[]
      return keys.map((k) => k.slice(prefix.length)).filter((k) => !k.includes('/'))
    },
    async remove(path) {
      const p = split(path).join('/')
      const store = tx('readwrite')
      await request(store.delete(p))
      await request(store.delete(under(p)))
    },
  }
}

async function openOpfs(needWritable: boolean): Promise<LocalStore | null> {
  try {
    const nav = globalThis.navigator as Navigator | undefined
    const hasWritable = typeof FileSystemFileHandle !== 'undefined' && 'createWritable' in FileSystemFileHandle.prototype
    if (nav?.storage?.getDirectory && (hasWritable || !needWritable)) return opfsStore(await nav.storage.getDirectory())
  } catch {
    // No OPFS here (a private window, an old browser).
  }
  return null
}

async function openIdb(): Promise<LocalStore | null> {
  try {
    if (typeof indexedDB === 'undefined') return null
    const open = indexedDB.open(IDB_NAME, 1)
    open.onupgradeneeded = () => open.result.createObjectStore(IDB_STORE)
    return idbStore(await request(open))
  } catch {
    return null
  }
}

let opened: Promise<LocalStore | null> | null = null

/** The best store this browser offers for writing (OPFS, else IndexedDB), or null when it has neither. */
export function openLocalStore(): Promise<LocalStore | null> {
  opened ??= (async () => (await openOpfs(true)) ?? (await openIdb()))()
  return opened
}

/** The store of one kind (the search worker reads the one the page wrote). */
export function openLocalStoreOf(kind: LocalStoreKind): Promise<LocalStore | null> {
  if (kind === 'opfs') return openOpfs(false)
  if (kind === 'indexeddb') return openIdb()
  return Promise.resolve(null)
}
