// Typed request/response messaging between the UI and a worker, shared by every worker here.
// A protocol is one map from request kind to its params, result and progress types; each
// request has an id, can report progress, and can be cancelled. Buffers move, never copy:
// the protocol says which ones to transfer.

import { abortError, DatasetError, errorMessage, WorkerError, type WorkerErrorCode } from '../../app/lib/errors.ts'

export interface RequestShape {
  params: unknown
  result: unknown
  progress: unknown
}

export type Protocol = Record<string, RequestShape>

export type RequestMessage<P extends Protocol> =
  | { [K in keyof P & string]: { type: 'request'; kind: K; id: number; params: P[K]['params'] } }[keyof P & string]
  | { type: 'cancel'; id: number }

export interface SerializedError {
  code: WorkerErrorCode
  message: string
  fileName: string | null
  /** A DatasetError's HTTP status, when it has one. */
  status?: number
}

export type ResponseMessage =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'error'; id: number; error: SerializedError }

export interface HandlerContext<Progress> {
  signal: AbortSignal
  progress: (p: Progress) => void
}

export type Handlers<P extends Protocol> = {
  [K in keyof P]: (params: P[K]['params'], ctx: HandlerContext<P[K]['progress']>) => Promise<P[K]['result']>
}

/** Which buffers of a message to transfer rather than copy. */
export type TransferList = (value: unknown) => Transferable[]

export interface PortLike<In, Out> {
  postMessage(message: Out, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (e: MessageEvent<In>) => void): void
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof DatasetError) return { code: err.code, message: err.message, fileName: err.fileName, ...(err.status !== undefined ? { status: err.status } : {}) }
  return { code: 'internal', message: `Something went wrong in a worker: ${errorMessage(err)}`, fileName: null }
}

export function serveHandlers<P extends Protocol>(
  handlers: Handlers<P>,
  port: PortLike<RequestMessage<P>, ResponseMessage>,
  transferResult: TransferList = () => [],
): void {
  const running = new Map<number, AbortController>()
  port.addEventListener('message', (e) => {
    const msg = e.data
    if (msg.type === 'cancel') {
      running.get(msg.id)?.abort()
      return
    }
    const controller = new AbortController()
    running.set(msg.id, controller)
    const ctx: HandlerContext<unknown> = {
      signal: controller.signal,
      progress: (progress) => port.postMessage({ type: 'progress', id: msg.id, progress }),
    }
    const handler = handlers[msg.kind] as (params: unknown, c: HandlerContext<unknown>) => Promise<unknown>
    handler(msg.params, ctx)
      .then((result) => port.postMessage({ type: 'result', id: msg.id, result }, transferResult(result)))
      .catch((err: unknown) => port.postMessage({ type: 'error', id: msg.id, error: serializeError(err) }))
      .finally(() => running.delete(msg.id))
  })
}

export interface CallOptions<Progress> {
  signal?: AbortSignal
  onProgress?: (p: Progress) => void
}

interface Pending {
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
  onProgress: ((p: unknown) => void) | undefined
}

export class RpcClient<P extends Protocol> {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()

  constructor(
    private readonly port: PortLike<ResponseMessage, RequestMessage<P>>,
    private readonly transferParams: TransferList = () => [],
    private readonly dispose: () => void = () => {},
  ) {
    port.addEventListener('message', (e) => this.onMessage(e.data))
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size
  }

  private onMessage(msg: ResponseMessage): void {
    const p = this.pending.get(msg.id)
    if (!p) return
    if (msg.type === 'progress') {
      p.onProgress?.(msg.progress)
      return
    }
    this.pending.delete(msg.id)
    if (msg.type === 'result') p.resolve(msg.result)
    else p.reject(new WorkerError(msg.error))
  }

  call<K extends keyof P & string>(kind: K, params: P[K]['params'], options: CallOptions<P[K]['progress']> = {}): Promise<P[K]['result']> {
    const { signal, onProgress } = options
    if (signal?.aborted) return Promise.reject(abortError())
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: onProgress as ((p: unknown) => void) | undefined })
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.pending.delete(id)) return
          this.port.postMessage({ type: 'cancel', id })
          reject(abortError())
        },
        { once: true },
      )
      this.port.postMessage({ type: 'request', kind, id, params } as RequestMessage<P>, this.transferParams(params))
    })
  }

  terminate(): void {
    for (const p of this.pending.values()) p.reject(abortError('Terminated'))
    this.pending.clear()
    this.dispose()
  }
}

/** A client over handlers in this thread, through a MessageChannel: tests, and browsers without module workers. */
export function inProcessClient<P extends Protocol>(handlers: Handlers<P>, transferParams: TransferList, transferResult: TransferList): RpcClient<P> {
  const channel = new MessageChannel()
  serveHandlers(handlers, channel.port2 as unknown as PortLike<RequestMessage<P>, ResponseMessage>, transferResult)
  channel.port1.start()
  channel.port2.start()
  return new RpcClient<P>(channel.port1 as unknown as PortLike<ResponseMessage, RequestMessage<P>>, transferParams, () => {
    channel.port1.close()
    channel.port2.close()
  })
}

/** A client over a module worker, or in-process where workers can't start. */
export function workerClient<P extends Protocol>(
  start: () => Worker,
  fallback: () => RpcClient<P>,
  transferParams: TransferList,
): RpcClient<P> {
  if (typeof Worker === 'undefined') return fallback()
  try {
    const worker = start()
    return new RpcClient<P>(worker as unknown as PortLike<ResponseMessage, RequestMessage<P>>, transferParams, () => worker.terminate())
  } catch {
    return fallback()
  }
}

/** Every ArrayBuffer found in the typed arrays of a value, one level of objects deep. */
export function typedArrayBuffers(value: unknown): Transferable[] {
  const out = new Set<ArrayBuffer>()
  const visit = (v: unknown, depth: number) => {
    if (v === null || typeof v !== 'object' || depth > 2) return
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer)
      return
    }
    if (Array.isArray(v)) return
    for (const x of Object.values(v)) visit(x, depth + 1)
  }
  visit(value, 0)
  return [...out]
}
