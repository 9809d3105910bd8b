// `npm run index` end to end, as separate processes like a person (or a cluster) runs it: a
// folder with the real Clay v0 sample, three synthetic 768-d Clay v0 files, a 32-d file of
// another set and a corrupt file. The index must cover the good files, name the bad ones, and
// come out byte for byte the same from a single run, a resumed one and three shards + merge.

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readEmbeddings } from '../../app/lib/geoparquet/read-embeddings.ts'
import { encodeSigns } from '../../app/lib/archive/codes.ts'
import { chipIdAt, readCodePart, type CodeRows } from '../../app/lib/archive/code-file.ts'
import { parseIndexHeader } from '../../app/lib/archive/parse-header.ts'
import type { IndexHeader } from '../../app/lib/archive/header.ts'
import { writeLargeSet } from '../make-large-set.mjs'
import { ensureBuilder } from './run.mjs'
import { nearestList } from './kmeans.ts'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const REAL = path.join(fixturesDir, 'clay-v0', '03WVN_20220610_20220610_v001.gpq')
const RUN = path.join(repoRoot, 'scripts/index/run.mjs')

let tmp: string
let data: string

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, ...args], { env: { ...process.env, SOURCE_DATE_EPOCH: '1764806400', ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }))
  })
}

/** sha256 of every published file of an index folder (not plan.json or parts/). */
function digest(out: string): Record<string, string> {
  const files = readdirSync(out).filter((f) => f !== 'plan.json' && f !== 'parts').sort()
  return Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(path.join(out, f))).digest('hex')]))
}

function header(out: string): IndexHeader {
  return parseIndexHeader(JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')), 'index.json')
}

async function allRows(out: string, h: IndexHeader): Promise<CodeRows[]> {
  return Promise.all(h.parts.map((p) => readCodePart(readFileSync(path.join(out, p.path)).buffer as ArrayBuffer, { codeBytes: h.code.bytes })))
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-index-'))
  data = path.join(tmp, 'data')
  const synthetic = await writeLargeSet({ chips: 1200, dims: 768, files: 3, outDir: path.join(tmp, 'sets') })
  cpSync(path.join(synthetic.dir, 'v02'), path.join(data, 'v02'), { recursive: true })
  const other = await writeLargeSet({ chips: 64, dims: 32, files: 1, outDir: path.join(tmp, 'sets') })
  copyFileSync(path.join(other.dir, other.files[0]!.key), path.join(data, 'v02', 'other-32d.gpq'))
  mkdirSync(path.join(data, 'v02', '03WVN'), { recursive: true })
  copyFileSync(REAL, path.join(data, 'v02', '03WVN', path.basename(REAL)))
  writeFileSync(path.join(data, 'v02', 'broken.gpq'), Buffer.from('PAR1 this is not a Parquet file'))
  await ensureBuilder()
}, 60_000)

afterAll(() => rmSync(tmp, { recursive: true, force: true }))


/** The mean the build's plan coded with (plan.json beside the index). */
function planMeanOf(out: string): Float32Array {
  const b = Buffer.from(JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')).mean as string, 'base64')
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

describe('npm run index', () => {
  let single: string

  beforeAll(async () => {
    single = path.join(tmp, 'single')
    const r = await cli([data, '--out', single, '--workers', '2'])
    expect(r.stderr).toMatch(/index: 1,617 chips from 4 files in 1 code files, 2 skipped/)
    expect(r.code).toBe(0)
  }, 60_000)

  it('covers the good files and reports the bad ones with their reasons', async () => {
    const h = header(single)
    expect(h.base).toBe('../data/')
    expect(h.identity).toMatchObject({ family: 'clay-v0', dims: 768 })
    expect(h.sources.map((s) => s.key)).toEqual([
      'v02/03WVN/03WVN_20220610_20220610_v001.gpq',
      'v02/37MBU/37MBU_20230601_20230601_v001.gpq',
      'v02/37MCU/37MCU_20230602_20230602_v001.gpq',
      'v02/37MDU/37MDU_20230603_20230603_v001.gpq',
    ])
    expect(h.sources[0]).toMatchObject({ bytes: 1831543, etag: null, rows: 417, chips: 417 })
    expect(h.skipped).toEqual([
      { key: 'v02/broken.gpq', reason: expect.stringMatching(/broken\.gpq isn't a Parquet file/) },
      { key: 'v02/other-32d.gpq', reason: expect.stringMatching(/not part of this index: this file's embeddings are 32-d; the dataset's are 768-d/) },
    ])
    expect(h.chips).toBe(1617)
  })

  it("stores each chip's code as encodeSigns of the app's decoded vector, with its id and row", async () => {
    const h = header(single)
    const [rows] = await allRows(single, h)
    // The codes centre on the plan's sample mean; the header's mean is every indexed chip's.
    const planMean = planMeanOf(single)
    expect(h.parts[0]!.rows).toEqual({ path: 'rows-00000.f32', bytes: h.chips * 768 * 4 })
    const copy = new Uint8Array(readFileSync(path.join(single, 'rows-00000.f32')))
    const sum = new Float64Array(768)
    let at = 0
    for (const [s, source] of h.sources.entries()) {
      const file = readFileSync(path.join(data, source.key))
      const t = await readEmbeddings(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer, { fileName: path.basename(source.key) })
      for (let i = 0; i < t.summary.count * 768; i++) sum[i % 768] = (sum[i % 768] as number) + (t.embeddings[i] as number)
      const expected = new Uint8Array(t.summary.count * 96)
      encodeSigns(t.embeddings, t.summary.count, 768, planMean, expected)
      // The rescoring copy holds the decoded float32 rows, in code order.
      expect(Buffer.from(copy.subarray(at * 768 * 4, (at + t.summary.count) * 768 * 4)).equals(Buffer.from(t.embeddings.buffer, t.embeddings.byteOffset, t.summary.count * 768 * 4))).toBe(true)
      expect(Buffer.from(rows!.codes.subarray(at * 96, (at + t.summary.count) * 96)).equals(Buffer.from(expected))).toBe(true)
      for (const k of [0, t.summary.count - 1]) {
        expect(rows!.source[at + k]).toBe(s)
        expect(rows!.row[at + k]).toBe(t.fileRows[k])
        expect(chipIdAt(rows!.ids, at + k)).toBe(t.ids[k])
      }
      at += t.summary.count
    }
    expect(at).toBe(rows!.count)
    expect(Array.from(h.mean)).toEqual(Array.from(Float32Array.from(sum, (v) => v / at)))
    expect(readFileSync(path.join(single, h.parts[0]!.path)).length / h.chips).toBeLessThanOrEqual(128)
  })

  it('resumes a killed run and gives the same index bytes as a clean run', async () => {
    const out = path.join(tmp, 'resumed')
    // Killed: stop the build as soon as its first part is done…
    const child = spawn(process.execPath, [RUN, data, '--out', out, '--workers', '1'], { env: { ...process.env, SOURCE_DATE_EPOCH: '1764806400' }, stdio: 'ignore' })
    await new Promise<void>((resolve) => {
      const parts = path.join(out, 'parts')
      const poll = setInterval(() => {
        if (existsSync(parts) && readdirSync(parts).some((f) => f.endsWith('.json'))) child.kill('SIGKILL')
      }, 10)
      child.on('close', () => {
        clearInterval(poll)
        resolve()
      })
    })
    // …and what a kill mid-write leaves: a half-written marker and a temporary file.
    writeFileSync(path.join(out, 'parts', '00005.json'), '{"plan":')
    writeFileSync(path.join(out, 'parts', '00005.parquet.1234.tmp'), 'PAR1')
    rmSync(path.join(out, 'index.json'), { force: true })
    const r = await cli([data, '--out', out, '--workers', '2'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/index: [1-5] of 6 files already done/)
    expect(digest(out)).toEqual(digest(single))
  }, 60_000)

  it('gives the same index from three shards and a merge as from one run', async () => {
    const out = path.join(tmp, 'sharded')
    const shards = await Promise.all([0, 1, 2].map((i) => cli([data, '--out', out, '--shard', `${i}/3`, '--workers', '1'])))
    for (const s of shards) expect(s.code).toBe(0)
    expect(existsSync(path.join(out, 'index.json'))).toBe(false)
    const early = await cli(['--merge', '--out', path.join(tmp, 'nothing')])
    expect(early.code).toBe(1)
    expect(early.stderr).toMatch(/There is no .*plan\.json to merge: run the build \(or its shards\) first/)
    const merged = await cli(['--merge', '--out', out])
    expect(merged.code).toBe(0)
    expect(digest(out)).toEqual(digest(single))
  }, 60_000)

  it('partitions into lists: each list in whole row groups, each chip in its nearest list', async () => {
    const out = path.join(tmp, 'lists')
    const r = await cli([data, '--out', out, '--lists', '3', '--shards', '1'], { JOB_COMPLETION_INDEX: '0' })
    expect(r.code).toBe(0)
    expect((await cli(['--merge', '--out', out])).code).toBe(0)
    const h = header(out)
    expect(h.lists).toEqual({ count: 3, centroids: 'centroids.f32' })
    const c = readFileSync(path.join(out, 'centroids.f32'))
    const centroids = new Float32Array(c.buffer.slice(c.byteOffset, c.byteOffset + c.byteLength))
    expect(centroids.length).toBe(3 * 768)
    const groups = h.parts.flatMap((p) => p.groups)
    expect(groups.map((g) => g.list)).toEqual([...groups.map((g) => g.list)].sort())
    expect(new Set(groups.map((g) => g.list)).size).toBeGreaterThan(1)
    // Every chip of the real sample sits in the list whose centroid is nearest its centred vector.
    const file = readFileSync(path.join(data, h.sources[0]!.key))
    const t = await readEmbeddings(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer, { fileName: 'x.gpq' })
    const [rows] = await allRows(out, h)
    const listOfRow: number[] = []
    for (const g of groups) for (let i = 0; i < g.chips; i++) listOfRow.push(g.list)
    const scratch = new Float64Array(768)
    const planMean = planMeanOf(out)
    for (let i = 0; i < rows!.count; i++) {
      if (rows!.source[i] !== 0) continue
      const k = t.fileRows.indexOf(rows!.row[i]!)
      expect(listOfRow[i]).toBe(nearestList(centroids, 3, 768, t.embeddings, k * 768, planMean, scratch))
    }
  }, 60_000)

  it('says what is wrong with its arguments', async () => {
    const r = await cli([data])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--out <dir> is required\nusage: npm run index/)
    expect((await cli([data, '--out', tmp, '--shard', '3/3'])).stderr).toMatch(/--shard must be i\/n with 0 ≤ i < n/)
  })
})
