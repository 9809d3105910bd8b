// The builder's worker thread: runs one job at a time for the pool (pool.ts).

import { parentPort } from 'node:worker_threads'
import { errorMessage } from '../../app/lib/errors.ts'
import { indexFile, sampleFile, type Marker, type SampleResult } from './file-job.ts'
import type { SourceFile, SourceSpec } from './sources.ts'

export type Job =
  | { kind: 'sample'; spec: SourceSpec; file: SourceFile; perFile: number }
  | { kind: 'index'; outDir: string; planPath: string; planId: string; index: number; file: SourceFile }
export type JobResult = SampleResult | Marker
export type Reply = { ok: true; result: JobResult } | { ok: false; error: string }

async function run(job: Job): Promise<JobResult> {
  if (job.kind === 'sample') return sampleFile(job.spec, job.file, job.perFile)
  return indexFile(job.outDir, job.planPath, job.planId, job.index, job.file)
}

parentPort?.on('message', (job: Job) => {
  run(job).then(
    (result) => parentPort?.postMessage({ ok: true, result } satisfies Reply),
    (err: unknown) => parentPort?.postMessage({ ok: false, error: errorMessage(err) } satisfies Reply),
  )
})
