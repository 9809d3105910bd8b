// `npm run index -- <source> --out <dir> [options]`: builds an archive index
// (docs/index-format.md) with the app's own decoder; docs/index-build.md says how to run it,
// on one machine or as a Kubernetes / AWS Batch array. Steps: list the source, plan (or reuse
// <out>/plan.json), code this shard's files into parts (skipping parts already done for the
// same file), and, unless sharded, merge the parts into the code files and index.json.

import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { errorMessage } from '../../app/lib/errors.ts'
import { partName, type Marker } from './file-job.ts'
import { writeAtomic } from './files.ts'
import { mergeIndex, readMarker } from './merge.ts'
import { makePlan } from './plan.ts'
import { PLAN_VERSION, type Plan } from './plan-types.ts'
import { Pool } from './pool.ts'
import { Progress } from './progress.ts'
import { defaultBase, listSource, type SourceFile } from './sources.ts'

const USAGE = `usage: npm run index -- <folder | http(s) folder URL | catalog.json> --out <dir>
  [--workers N]          worker threads (default min(cores, 4))
  [--shard i/n]          code only files i, i+n, i+2n, … (no merge); or --shards n with the index
                         from JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX
  [--merge]              join the parts of every shard into the index (no source needed)
  [--plan]               write <out>/plan.json and stop
  [--lists auto|N]       partitions (default auto: 1 up to 2 M chips, else one per 65,536)
  [--no-rows]            leave out the exact rescoring copy (rows-NNNNN.f32, dims × 4 bytes a
                         chip); the app then rescores from the source files' column chunks
  [--entry id]           the catalog entry to index, when the catalog has several
  [--base url-or-path]   the header's base (default: the data folder, relative to <out>)`

interface Args {
  source: string | undefined
  out: string
  workers: number
  shard: { index: number; count: number } | null
  merge: boolean
  planOnly: boolean
  lists: 'auto' | number
  rows: boolean
  entry: string | undefined
  base: string | undefined
}

function usage(message: string): never {
  throw new UsageError(`${message}\n${USAGE}`)
}

class UsageError extends Error {}

function whole(text: string, what: string, min: number): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < min) usage(`${what} must be a whole number of at least ${min}, not '${text}'`)
  return n
}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv): Args {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      shards: { type: 'string' },
      merge: { type: 'boolean', default: false },
      plan: { type: 'boolean', default: false },
      lists: { type: 'string', default: 'auto' },
      'no-rows': { type: 'boolean', default: false },
      entry: { type: 'string' },
      base: { type: 'string' },
    },
  })
  if (!values.out) usage('--out <dir> is required')
  if (positionals.length > 1) usage(`one source, not ${positionals.length}`)
  let shard: Args['shard'] = null
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard)
    if (!m || Number(m[1]) >= Number(m[2])) usage(`--shard must be i/n with 0 ≤ i < n, not '${values.shard}'`)
    shard = { index: Number(m[1]), count: Number(m[2]) }
  } else if (values.shards !== undefined) {
    const count = whole(values.shards, '--shards', 1)
    const fromEnv = env.JOB_COMPLETION_INDEX ?? env.AWS_BATCH_JOB_ARRAY_INDEX
    if (fromEnv === undefined) usage('--shards n needs JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX set to this shard')
    const index = whole(fromEnv, 'the shard index', 0)
    if (index >= count) usage(`shard index ${index} is not below --shards ${count}`)
    shard = { index, count }
  }
  if (positionals[0] === undefined && !values.merge) usage('a source is required')
  const lists = values.lists === 'auto' ? 'auto' : whole(values.lists, '--lists', 1)
  const workers = values.workers === undefined ? Math.max(1, Math.min(os.availableParallelism(), 4)) : whole(values.workers, '--workers', 1)
  return { source: positionals[0], out: path.resolve(values.out), workers, shard, merge: values.merge, planOnly: values.plan, lists, rows: !values['no-rows'], entry: values.entry, base: values.base }
}

/** The same file as when its marker was written: its part can be kept. */
function unchanged(m: Marker, f: SourceFile): boolean {
  return m.bytes === f.bytes && m.etag === f.etag && m.modified === f.modified
}

function readPlan(file: string): Plan | null {
  if (!existsSync(file)) return null
  const plan = JSON.parse(readFileSync(file, 'utf8')) as Plan
  if (plan.version !== PLAN_VERSION) throw new Error(`${file} is from another version of the builder; delete it (and parts/) to start over.`)
  return plan
}

/** $SOURCE_DATE_EPOCH (reproducible builds) or now. */
function createdTime(env: NodeJS.ProcessEnv): string {
  const epoch = env.SOURCE_DATE_EPOCH
  return epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000).toISOString() : new Date().toISOString()
}

async function codeFiles(args: Args, plan: Plan, planPath: string, current: Map<string, SourceFile>, pool: Pool): Promise<void> {
  const mine = plan.files.map((f, i) => [f, i] as const).filter(([, i]) => !args.shard || i % args.shard.count === args.shard.index)
  const todo: { index: number; file: SourceFile }[] = []
  for (const [planned, index] of mine) {
    const now = current.get(planned.key)
    const marker = readMarker(args.out, index)
    if (!now) {
      const gone: Marker = { plan: plan.id, key: planned.key, bytes: planned.bytes, etag: planned.etag, modified: planned.modified, rows: 0, chips: 0, groups: [], skipped: 'the file is no longer in the listing', transient: true }
      writeAtomic(path.join(args.out, 'parts', `${partName(index)}.json`), JSON.stringify(gone) + '\n')
      continue
    }
    if (marker && marker.plan === plan.id && !marker.transient && unchanged(marker, now)) continue
    todo.push({ index, file: now })
  }
  const label = args.shard ? `shard ${args.shard.index}/${args.shard.count}` : 'index'
  process.stderr.write(`${label}: ${mine.length - todo.length} of ${mine.length} files already done\n`)
  const progress = new Progress(todo.length, todo.reduce((s, t) => s + t.file.bytes, 0), label)
  const skipped: Marker[] = []
  await Promise.all(
    todo.map(async ({ index, file }) => {
      const m = (await pool.run({ kind: 'index', outDir: args.out, planPath, planId: plan.id, index, file })) as Marker
      if (m.skipped !== null) skipped.push(m)
      progress.fileDone(file.bytes, m.chips, m.skipped !== null)
    }),
  )
  progress.show(true)
  for (const m of skipped) process.stderr.write(`skipped ${m.key}: ${m.skipped}\n`)
}

async function build(args: Args, env: NodeJS.ProcessEnv): Promise<void> {
  mkdirSync(path.join(args.out, 'parts'), { recursive: true })
  const planPath = path.join(args.out, 'plan.json')
  const workerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.mjs')
  let plan = readPlan(planPath)
  if (args.source !== undefined && !(args.merge && args.shard === null && plan)) {
    const listing = await listSource(args.source, { entry: args.entry })
    const pool = new Pool(args.workers, workerScript)
    try {
      if (plan && JSON.stringify(plan.spec) !== JSON.stringify(listing.spec)) {
        throw new Error(`${planPath} was made for another source (${JSON.stringify(plan.spec)}); use another --out, or delete it and parts/ to start over.`)
      }
      if (!plan) {
        plan = await makePlan(listing, pool, args.lists, args.rows)
        writeAtomic(planPath, JSON.stringify(plan) + '\n')
        process.stderr.write(`plan: ${plan.files.length} files, about ${plan.estimatedChips.toLocaleString('en')} chips, ${plan.lists ? `${plan.lists.count} lists` : 'one list'}\n`)
      }
      const planned = new Set(plan.files.map((f) => f.key))
      const added = listing.files.filter((f) => !planned.has(f.key)).length
      if (added > 0) process.stderr.write(`${added} files in the listing are newer than ${planPath} and not in this index; delete it and parts/ to include them.\n`)
      if (!args.planOnly) await codeFiles(args, plan, planPath, new Map(listing.files.map((f) => [f.key, f])), pool)
    } finally {
      await pool.close()
    }
  }
  if (args.planOnly || (args.shard && !args.merge)) return
  if (!plan) throw new Error(`There is no ${planPath} to merge: run the build (or its shards) first.`)
  const header = await mergeIndex(args.out, plan, { base: args.base ?? defaultBase(plan.spec, args.out), created: createdTime(env) })
  process.stderr.write(
    `index: ${header.chips.toLocaleString('en')} chips from ${header.sources.length} files in ${header.parts.length} code files, ${header.skipped.length} skipped → ${path.join(args.out, 'index.json')}\n`,
  )
}

/** Runs the CLI; the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    await build(parseCliArgs(argv, env), env)
    return 0
  } catch (err) {
    process.stderr.write(`${err instanceof UsageError ? '' : 'index: '}${errorMessage(err)}\n`)
    return err instanceof UsageError ? 2 : 1
  }
}
