// The UI's handle on the search worker: typed Promise calls with progress and cancellation.
// Where Web Workers aren't available the same handlers run in-process behind a MessageChannel,
// so both paths go through the same dispatch code.

import { createSearchHandlers } from './handlers.ts'
import type { LoadParams, RankParams, RequestKind, SearchRequests, SerializedError, WorkerRequest, WorkerResponse } from './protocol.ts'
import { serveHandlers } from './serve.ts'

/** A failed request, with the worker's error code and the file it concerns. */
export class SearchError extends Error {
  readonly code: SerializedError['code']
  readonly fileName: string | null
  constructor(e: SerializedError) {
    super(e.message)
    this.name = 'SearchError'
    this.code = e.code
    this.fileName = e.fileName
  }
}

export function isAbortError(err: unknown): boolean {
  return (err instanceof Error && err.name === 'AbortError') || (err instanceof SearchError && err.code === 'aborted')
}

interface Port {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerResponse>) => void): void
}

interface Pending {
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
  onProgress: ((p: unknown) => void) | undefined
}

export interface CallOptions<P> {
  signal?: AbortSignal
  onProgress?: (p: P) => void
}

export class SearchClient {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()

  constructor(
    private readonly port: Port,
    private readonly dispose: () => void = () => {},
  ) {
    port.addEventListener('message', (e) => this.onMessage(e.data))
  }

  private onMessage(msg: WorkerResponse): void {
    const p = this.pending.get(msg.id)
    if (!p) return
    if (msg.type === 'progress') {
      p.onProgress?.(msg.progress)
      return
    }
    this.pending.delete(msg.id)
    if (msg.type === 'result') p.resolve(msg.result)
    else p.reject(new SearchError(msg.error))
  }

  private call<K extends RequestKind>(
    kind: K,
    params: SearchRequests[K]['params'],
    options: CallOptions<SearchRequests[K]['progress']> = {},
  ): Promise<SearchRequests[K]['result']> {
    const { signal, onProgress } = options
    if (signal?.aborted) return Promise.reject(new DOMException('Aborted', 'AbortError'))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: onProgress as ((p: unknown) => void) | undefined,
      })
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.pending.delete(id)) return
          this.port.postMessage({ type: 'cancel', id })
          reject(new DOMException('Aborted', 'AbortError'))
        },
        { once: true },
      )
      this.port.postMessage({ type: 'request', kind, id, params } as WorkerRequest)
    })
  }

  load(params: LoadParams, options?: CallOptions<SearchRequests['load']['progress']>) {
    return this.call('load', params, options)
  }

  rank(params: RankParams, options?: CallOptions<never>) {
    return this.call('rank', params, options)
  }

  terminate(): void {
    for (const p of this.pending.values()) p.reject(new DOMException('Terminated', 'AbortError'))
    this.pending.clear()
    this.dispose()
  }
}

/** A client over the handlers in this thread (tests, and browsers without module workers). */
export function createInProcessSearchClient(): SearchClient {
  const channel = new MessageChannel()
  serveHandlers(createSearchHandlers(), channel.port2 as unknown as Parameters<typeof serveHandlers>[1])
  channel.port1.start()
  channel.port2.start()
  return new SearchClient(channel.port1 as unknown as Port, () => {
    channel.port1.close()
    channel.port2.close()
  })
}

export function createSearchClient(): SearchClient {
  if (typeof Worker === 'undefined') return createInProcessSearchClient()
  try {
    const worker = new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module', name: 'search' })
    return new SearchClient(worker as unknown as Port, () => worker.terminate())
  } catch {
    return createInProcessSearchClient()
  }
}
