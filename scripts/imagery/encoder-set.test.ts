// The imagery pipeline end to end on the synthetic encoder set, in Node: a local STAC API and
// COGs over HTTP (scripts/imagery/stac-server.mjs), app/lib/imagery/pipeline.ts reading them by
// range requests, and the committed test encoder in onnxruntime-web's WASM backend.
import { createServer, type Server } from 'node:http'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import proj4 from 'proj4'
import * as ort from 'onnxruntime-web'
import { parquetReadObjects } from 'hyparquet'
import { parseManifest } from '../../app/lib/encoder/manifest.ts'
import type { Feed } from '../../app/lib/encoder/preprocess.ts'
import { embedAreaFromImagery, ImageryError, type AreaGeometry, type ImageryStep, type LonLat } from '../../app/lib/imagery/pipeline.ts'
import { writeEncoderSet } from '../make-encoder-set.mjs'
import { stacHandler } from './stac-server.mjs'

const repo = path.join(import.meta.dirname, '../..')
const manifest = parseManifest(JSON.parse(readFileSync(path.join(repo, 'models/test-encoder/manifest.json'), 'utf8')))

let set: Awaited<ReturnType<typeof writeEncoderSet>>
let server: Server
let origin = ''
let session: ort.InferenceSession
const stored = new Map<string, Float32Array>()
const JUNE = { from: '2023-06-01', to: '2023-06-30' }

async function encode(feeds: Record<string, Feed>, outputName: string): Promise<Float32Array> {
  const tensors = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor('float32', f.data, f.dims)]))
  const out = await session.run(tensors)
  return out[outputName]!.data as Float32Array
}

beforeAll(async () => {
  const started = performance.now()
  set = await writeEncoderSet({ log: (l: string) => console.log(l) })
  console.log(`[encoder-set] ready in ${((performance.now() - started) / 1000).toFixed(1)} s (scene ${set.sceneSeconds.toFixed(1)} s, embedding ${set.embedSeconds.toFixed(1)} s; 0 = cached)`)
  const handlers = ['/stac', '/stac-missing-assets'].map((root) =>
    stacHandler({ root, itemsFile: path.join(set.dir, 'stac/items.json'), sceneDir: set.sceneDir, brokenAssets: root !== '/stac' }),
  )
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    void (async () => {
      for (const h of handlers) if (await h(req, res, url, { cors: false, origin })) return
      res.statusCode = 404
      res.end('not found')
    })()
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  ort.env.wasm.numThreads = 1
  session = await ort.InferenceSession.create(readFileSync(path.join(repo, 'models/test-encoder', manifest.url)), { executionProviders: ['wasm'] })
  const bytes = readFileSync(path.join(set.dir, set.parquet))
  const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })
  for (const r of rows as { id: string; embeddings: number[] }[]) stored.set(r.id, Float32Array.from(r.embeddings))
}, 120_000)

afterAll(async () => {
  await session?.release()
  await new Promise((done) => (server ? server.close(done) : done(undefined)))
})

const toLonLat = proj4('EPSG:32630', 'EPSG:4326')
/** A polygon (lon/lat) of the UTM box [x0, y0, x1, y1], counter-clockwise. */
function utmBox(x0: number, y0: number, x1: number, y1: number): AreaGeometry {
  const ring = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ].map((p) => toLonLat.forward(p) as LonLat)
  return { type: 'Polygon', coordinates: [ring] }
}
/** UTM bounds of chip (row, col) of the synthetic scene. */
function chipBox(row: number, col: number): [number, number, number, number] {
  const x = 399960 + col * 2560
  const y = 4500000 - (row + 1) * 2560
  return [x, y, x + 2560, y + 2560]
}
function inside(row: number, col: number, inset = 400): AreaGeometry {
  const [x0, y0, x1, y1] = chipBox(row, col)
  return utmBox(x0 + inset, y0 + inset, x1 - inset, y1 - inset)
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return d / Math.sqrt(na * nb)
}
function ranking(q: Float32Array): string[] {
  return [...stored.entries()].map(([id, v]) => [id, cosine(q, v)] as const).sort((a, b) => b[1] - a[1]).map(([id]) => id)
}
const id = (row: number, col: number) => `30TVK_20230614_r${row}_c${col}`

describe('embedAreaFromImagery on the synthetic scene', () => {
  it('gives back the stored embedding of a planted chip drawn inside, and ranks the planted chips first', async () => {
    const steps: ImageryStep[] = []
    const started = performance.now()
    const r = await embedAreaFromImagery(inside(1, 4), { manifest, stacUrl: `${origin}/stac`, dates: JUNE, encode, onStep: (s) => steps.push(s) })
    console.log(`[encoder-set] one chip from imagery: ${(performance.now() - started).toFixed(0)} ms; ${r.notes[0]}`)
    expect(r.scene).toEqual({ id: 'S2B_30TVK_20230614_0_L2A', datetime: '2023-06-14T11:06:21.024000Z', cloudCover: 3 })
    expect(r.chips).toHaveLength(1)
    expect(r.chips[0]).toMatchObject({ row: 1, col: 4, weight: 1 })
    expect(cosine(r.vector, stored.get(id(1, 4))!)).toBeGreaterThan(0.9999)
    expect(new Set(ranking(r.vector).slice(0, 4))).toEqual(new Set(set.planted.lake))
    // Progress: imagery steps with bytes, then encoding 1 of 1.
    expect(steps[0]).toMatchObject({ step: 'imagery' })
    expect(steps.some((s) => s.step === 'imagery' && (s.loaded ?? 0) > 0)).toBe(true)
    expect(steps.at(-1)).toMatchObject({ step: 'encoding', loaded: 1, total: 1 })
    // The preview: one 256 px chip of dark water (B04 550 → 47, B03 800 → 68, B02 700 → 60, ±2 %).
    expect([r.preview.width, r.preview.height]).toEqual([256, 256])
    const [red, green, blue, alpha] = r.preview.rgba.subarray(0, 4)
    expect(alpha).toBe(255)
    expect(red).toBeGreaterThan(40)
    expect(red).toBeLessThan(52)
    expect(green! > red! && blue! > red!).toBe(true)
  })

  it('gives back a land chip exactly, and it ranks first', async () => {
    const r = await embedAreaFromImagery(inside(3, 2), { manifest, stacUrl: `${origin}/stac`, dates: JUNE, encode })
    expect(cosine(r.vector, stored.get(id(3, 2))!)).toBeGreaterThan(0.9999)
    expect(ranking(r.vector)[0]).toBe(id(3, 2))
  })

  it('weights chips by their overlap with the area', async () => {
    // Across the edge between (2, 2) and (2, 3): 1960 m in the first, 640 m in the second.
    const [x0, y0] = chipBox(2, 2)
    const r = await embedAreaFromImagery(utmBox(x0 + 600, y0 + 500, x0 + 2560 + 640, y0 + 2000), { manifest, stacUrl: `${origin}/stac`, dates: JUNE, encode })
    expect(r.chips.map((c) => [c.row, c.col])).toEqual([
      [2, 2],
      [2, 3],
    ])
    expect(r.chips[0]!.weight).toBeCloseTo(1960 / 2600, 3)
    expect(r.chips[1]!.weight).toBeCloseTo(640 / 2600, 3)
    const a = stored.get(id(2, 2))!
    const b = stored.get(id(2, 3))!
    const expected = a.map((v, i) => (1960 * v + 640 * b[i]!) / 2600)
    expect(cosine(r.vector, expected)).toBeGreaterThan(0.9999)
    expect([r.preview.width, r.preview.height]).toEqual([512, 256])
    expect(r.notes.join(' ')).toMatch(/upsampled to 10 m \(nearest\)/)
  })

  it('takes the one chip under a point', async () => {
    const [x0, y0] = chipBox(4, 3)
    const r = await embedAreaFromImagery({ type: 'Point', coordinates: toLonLat.forward([x0 + 100, y0 + 2500]) as LonLat }, { manifest, stacUrl: `${origin}/stac`, dates: JUNE, encode })
    expect(r.chips).toHaveLength(1)
    expect(r.chips[0]).toMatchObject({ row: 4, col: 3, weight: 1 })
    expect(cosine(r.vector, stored.get(id(4, 3))!)).toBeGreaterThan(0.9999)
  })

  it('uses a pinned scene even when it is cloudy', async () => {
    const r = await embedAreaFromImagery(inside(1, 4), { manifest, stacUrl: `${origin}/stac`, dates: JUNE, scene: 'S2A_30TVK_20230619_0_L2A', encode })
    expect(r.scene.id).toBe('S2A_30TVK_20230619_0_L2A')
    expect(cosine(r.vector, stored.get(id(1, 4))!)).toBeLessThan(0.999)
  })

  async function failure(area: AreaGeometry, opts: Partial<Parameters<typeof embedAreaFromImagery>[1]> = {}): Promise<ImageryError> {
    try {
      await embedAreaFromImagery(area, { manifest, stacUrl: `${origin}/stac`, dates: JUNE, encode, ...opts })
    } catch (error) {
      expect(error).toBeInstanceOf(ImageryError)
      return error as ImageryError
    }
    throw new Error('it did not fail')
  }

  it('says so, in words, when it cannot', async () => {
    const none = await failure(inside(1, 4), { dates: { from: '2023-07-01', to: '2023-07-31' } })
    expect(none.kind).toBe('no-scenes')
    expect(none.message).toMatch(/No Sentinel-2 scene covers this area from 2023-07-01 to 2023-07-31\. Widen the dates/)
    const cloudy = await failure(inside(1, 4), { dates: { from: '2023-06-15', to: '2023-06-30' } })
    expect(cloudy.kind).toBe('all-cloudy')
    expect(cloudy.message).toMatch(/at least 85 % cloudy \(the limit is 50 %\)\. Widen the dates/)
    const [x0, y0] = chipBox(5, 0)
    const large = await failure(utmBox(x0 + 10, y0 + 10, x0 + 6 * 2560 - 10, y0 + 6 * 2560 - 10))
    expect(large.kind).toBe('too-large')
    expect(large.message).toMatch(/needs 36 chips of 2.56 × 2.56 km, and at most 25 .* about 12.8 × 12.8 km\)\. Draw a smaller area\./)
    const edge = await failure(utmBox(x0 - 1000, y0 + 100, x0 + 1000, y0 + 500))
    expect(edge.kind).toBe('not-covered')
    const gone = await failure(inside(1, 4), { stacUrl: `${origin}/stac-missing-assets` })
    expect(gone.kind).toBe('http')
    expect(gone.message).toMatch(/does not have it \(404\).*band B02 of scene S2B_30TVK_20230614_0_L2A\. Pick other dates/)
    const down = await failure(inside(1, 4), { stacUrl: 'http://127.0.0.1:9/stac' })
    expect(down.kind).toBe('http')
    expect(down.message).toMatch(/could not be reached/)
  })

  it('stops when asked, mid-read', async () => {
    const controller = new AbortController()
    const error = await failure(inside(1, 4), {
      signal: controller.signal,
      onStep: (s) => {
        if (s.step === 'imagery' && (s.loaded ?? 0) > 0) controller.abort()
      },
    })
    expect(error.kind).toBe('aborted')
  })
})
