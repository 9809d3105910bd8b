// Dispatch of protocol messages to handlers, shared by the worker entry and the in-process
// fallback. One AbortController per request, so the client can cancel any of them.

import { DatasetError } from '../../app/lib/geoparquet/types.ts'
import { transferablesOf, type SearchHandlers, type SerializedError, type WorkerRequest, type WorkerResponse } from './protocol.ts'

export interface MessagePort_ {
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerRequest>) => void): void
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof DatasetError) return { code: err.code, message: err.message, fileName: err.fileName }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'internal', message: `Something went wrong in the search worker: ${message}`, fileName: null }
}

export function serveHandlers(handlers: SearchHandlers, port: MessagePort_): void {
  const running = new Map<number, AbortController>()
  port.addEventListener('message', (e) => {
    const msg = e.data
    if (msg.type === 'cancel') {
      running.get(msg.id)?.abort()
      return
    }
    const controller = new AbortController()
    running.set(msg.id, controller)
    const ctx = {
      signal: controller.signal,
      progress: (progress: unknown) => port.postMessage({ type: 'progress', id: msg.id, progress }),
    }
    const handler = handlers[msg.kind] as (params: unknown, c: typeof ctx) => Promise<unknown>
    handler(msg.params, ctx)
      .then((result) => port.postMessage({ type: 'result', id: msg.id, result }, transferablesOf(result)))
      .catch((err: unknown) => port.postMessage({ type: 'error', id: msg.id, error: serializeError(err) }))
      .finally(() => running.delete(msg.id))
  })
}
