// One autosaved session in IndexedDB (database `chipfinder`, store `session`, key `last`).
// Every call settles: a browser without IndexedDB, a blocked or failing database, or one that
// doesn't answer within `timeoutMs` gives null (read) or false (write), never an exception.

const DB = 'chipfinder'
const STORE = 'session'
const KEY = 'last'

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new Error('no IndexedDB'))
    const req = indexedDB.open(DB, 1)
    req.onupgradeneeded = () => req.result.createObjectStore(STORE)
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB failed'))
    req.onblocked = () => reject(new Error('IndexedDB blocked'))
  })
}

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms)
    p.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      () => {
        clearTimeout(timer)
        resolve(fallback)
      },
    )
  })
}

async function run<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open()
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode)
      const req = op(tx.objectStore(STORE))
      tx.oncomplete = () => resolve(req.result as T)
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB failed'))
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB aborted'))
    })
  } finally {
    db.close()
  }
}

export function readSession(timeoutMs = 1500): Promise<unknown> {
  return withTimeout(run<unknown>('readonly', (s) => s.get(KEY)), timeoutMs, null)
}

export function writeSession(text: string, timeoutMs = 5000): Promise<boolean> {
  return withTimeout(run('readwrite', (s) => s.put(text, KEY)).then(() => true), timeoutMs, false)
}

export function deleteSession(timeoutMs = 1500): Promise<boolean> {
  return withTimeout(run('readwrite', (s) => s.delete(KEY)).then(() => true), timeoutMs, false)
}
