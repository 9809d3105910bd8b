// A few decode workers side by side, sized from the machine's cores. Files wait in a queue and
// go to whichever worker is free; a cancelled file leaves the queue at once.

import { abortError } from '../../app/lib/errors.ts'
import { inProcessClient, type CallOptions, type RpcClient, workerClient } from '../rpc/rpc.ts'
import { createDecodeHandlers } from './handlers.ts'
import { transferDecodeParams, transferDecodeResult, type CodedFile, type DecodeProtocol, type DecodedFile, type FileSource } from './protocol.ts'
import type { ReadProgress } from '../../app/lib/geoparquet/types.ts'

type DecodeClient = RpcClient<DecodeProtocol>

interface Job {
  run: (client: DecodeClient) => Promise<unknown>
  options: CallOptions<ReadProgress>
  resolve: (f: never) => void
  reject: (e: unknown) => void
}

/** One worker per core but one (the UI and the search worker need it), two to four in all. */
export function defaultPoolSize(): number {
  const cores = typeof navigator !== 'undefined' ? (navigator.hardwareConcurrency ?? 2) : 2
  return Math.min(4, Math.max(2, cores - 1))
}

export class DecodePool {
  private readonly queue: Job[] = []
  private readonly busy = new Set<DecodeClient>()

  constructor(private readonly clients: DecodeClient[]) {}

  get size(): number {
    return this.clients.length
  }

  get pending(): number {
    return this.queue.length + this.busy.size
  }

  decode(source: FileSource, options: CallOptions<ReadProgress> = {}): Promise<DecodedFile> {
    return this.enqueue((c) => c.call('decode', { source }, options), options)
  }

  /** One file for a stored index: its sum (mean null) or its codes; its rows stay in the worker. */
  codeFile(url: string, mean: Float32Array | null, options: CallOptions<ReadProgress> = {}): Promise<CodedFile> {
    return this.enqueue((c) => c.call('codeFile', { url, mean }, options), options)
  }

  private enqueue<T>(run: (client: DecodeClient) => Promise<T>, options: CallOptions<ReadProgress>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = { run, options, resolve: resolve as (f: never) => void, reject }
      const { signal } = options
      if (signal?.aborted) {
        reject(abortError())
        return
      }
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.queue.indexOf(job)
          if (i >= 0) {
            this.queue.splice(i, 1)
            reject(abortError())
          }
        },
        { once: true },
      )
      this.queue.push(job)
      this.pump()
    })
  }

  private pump(): void {
    for (const client of this.clients) {
      if (this.queue.length === 0) return
      if (this.busy.has(client)) continue
      const job = this.queue.shift()!
      this.busy.add(client)
      job
        .run(client)
        .then((r) => job.resolve(r as never), job.reject)
        .finally(() => {
          this.busy.delete(client)
          this.pump()
        })
    }
  }

  terminate(): void {
    for (const job of this.queue.splice(0)) job.reject(abortError('Terminated'))
    for (const c of this.clients) c.terminate()
  }
}

export function createInProcessDecodePool(size = 2, options: Parameters<typeof createDecodeHandlers>[0] = {}): DecodePool {
  return new DecodePool(
    Array.from({ length: size }, () => inProcessClient(createDecodeHandlers(options), transferDecodeParams, transferDecodeResult)),
  )
}

export function createDecodePool(size = defaultPoolSize()): DecodePool {
  return new DecodePool(
    Array.from({ length: size }, (_, i) =>
      workerClient<DecodeProtocol>(
        () => new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: `decode-${i + 1}` }),
        () => inProcessClient(createDecodeHandlers(), transferDecodeParams, transferDecodeResult),
        transferDecodeParams,
      ),
    ),
  )
}
