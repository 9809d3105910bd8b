// A fixed set of worker threads, each running worker.mjs (the bundled worker.ts), one job at a
// time per thread: memory stays at one file per worker. Jobs are sent as they free up; a thread
// that dies fails its job and is replaced.

import { Worker } from 'node:worker_threads'
import type { Job, JobResult, Reply } from './worker.ts'

interface Pending {
  job: Job
  resolve: (r: JobResult) => void
  reject: (e: Error) => void
}

export class Pool {
  private readonly idle: Worker[] = []
  private readonly queue: Pending[] = []
  private readonly all = new Set<Worker>()

  constructor(
    private readonly size: number,
    private readonly script: string,
  ) {}

  run(job: Job): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject })
      this.pump()
    })
  }

  private spawn(): Worker {
    const w = new Worker(this.script)
    this.all.add(w)
    return w
  }

  private pump(): void {
    while (this.queue.length > 0 && (this.idle.length > 0 || this.all.size < this.size)) {
      const w = this.idle.pop() ?? this.spawn()
      const p = this.queue.shift() as Pending
      const done = (): void => {
        w.off('message', onMessage)
        w.off('error', onError)
      }
      const onMessage = (reply: Reply): void => {
        done()
        this.idle.push(w)
        if (reply.ok) p.resolve(reply.result)
        else p.reject(new Error(reply.error))
        this.pump()
      }
      const onError = (err: Error): void => {
        done()
        this.all.delete(w)
        p.reject(err)
        this.pump()
      }
      w.on('message', onMessage)
      w.on('error', onError)
      w.postMessage(p.job)
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((w) => w.terminate()))
    this.all.clear()
    this.idle.length = 0
  }
}
