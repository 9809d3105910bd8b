import { describe, expect, it } from 'vitest'
import { base64ToFloat32, encodeLabelsFile, float32ToBase64, LABELS_LIMITS, parseLabelsFile, spaceMismatch, type LabelsFile } from './labels-file.ts'

const space = { model: 'Clay v0', family: 'clay-v0', dims: 4, sourceModel: null }
const sample: LabelsFile = {
  dataset: { url: 'https://example.org/a.gpq', file: 'a.gpq' },
  space,
  chips: [
    { id: '03WVN_20220610_0200', label: 'positive', footprint: [[-165, 65], [-164.9, 65], [-164.9, 65.1], [-165, 65]], date: '2022-06-10', vector: new Float32Array([0.1, -2, 3.5e-8, 1e30]) },
    { id: 'x', label: 'negative', footprint: null, date: null, vector: new Float32Array([1, 2, 3, 4]) },
  ],
  areas: [{ id: 'a1', label: 'positive', shape: 'rectangle', ring: [[-165, 65], [-164, 65], [-164, 66], [-165, 66]], dates: { from: '2024-01-01', to: '2024-02-01' }, vector: new Float32Array([4, 3, 2, 1]) }],
}

function json(): Record<string, unknown> {
  return JSON.parse(encodeLabelsFile(sample, new Date('2024-05-01T00:00:00Z')))
}
function refusal(v: unknown): string {
  const r = parseLabelsFile(typeof v === 'string' ? v : JSON.stringify(v))
  if (r.ok) throw new Error('accepted')
  return r.message
}

describe('labels file', () => {
  it('round-trips chips, areas and their vectors bit for bit', () => {
    const text = encodeLabelsFile(sample, new Date('2024-05-01T00:00:00Z'))
    const o = JSON.parse(text)
    expect(o).toMatchObject({ format: 'chipfinder-labels', version: 1, app: { name: 'Chipfinder' }, savedAt: '2024-05-01T00:00:00.000Z' })
    // Little-endian float32, base64: 0.1f is 0x3DCCCCCD.
    expect(Array.from(atob(o.chips[0].embedding.slice(0, 8))).map((c) => c.charCodeAt(0)).slice(0, 4)).toEqual([0xcd, 0xcc, 0xcc, 0x3d])
    const r = parseLabelsFile(text)
    if (!r.ok) throw new Error(r.message)
    expect(r.file.chips.map((c) => [c.id, c.label, c.date, c.footprint])).toEqual(sample.chips.map((c) => [c.id, c.label, c.date, c.footprint]))
    expect(r.file.chips.map((c) => Array.from(c.vector))).toEqual(sample.chips.map((c) => Array.from(c.vector)))
    expect(r.file.areas[0]).toMatchObject({ id: 'a1', label: 'positive', shape: 'rectangle', dates: { from: '2024-01-01', to: '2024-02-01' } })
    expect(Array.from(r.file.areas[0]!.vector!)).toEqual([4, 3, 2, 1])
    expect(r.file.space).toEqual(space)
    expect(r.file.dataset).toEqual(sample.dataset)
  })

  it('refuses what is not a labels file, with words saying what is wrong', () => {
    expect(refusal('not json')).toMatch(/isn't JSON/)
    expect(refusal({ format: 'geojson' })).toMatch(/isn't a Chipfinder labels file/)
    expect(refusal({ ...json(), version: 2 })).toMatch(/version 2; this app reads version 1/)
    expect(refusal({ ...json(), space: { family: 'clay-v0', dims: 0 } })).toMatch(/how long its vectors are/)
    expect(refusal({ ...json(), chips: [], areas: [] })).toMatch(/no examples/)
    expect(refusal('x'.repeat(LABELS_LIMITS.bytes + 1))).toMatch(/larger than 20 MB/)
  })

  it('refuses hostile or corrupt examples', () => {
    const chip = (json()['chips'] as Record<string, unknown>[])[0]!
    const withChip = (c: Record<string, unknown>) => ({ ...json(), chips: [{ ...chip, ...c }] })
    expect(refusal(withChip({ embedding: float32ToBase64(new Float32Array([1, 2, 3])) }))).toMatch(/has 3 numbers, but the file says its model makes 4/)
    expect(refusal(withChip({ embedding: float32ToBase64(new Float32Array([1, NaN, 3, 4])) }))).toMatch(/isn't a number/)
    expect(refusal(withChip({ embedding: '!!!notbase64' }))).toMatch(/isn't base64/)
    expect(refusal(withChip({ id: 'x'.repeat(201) }))).toMatch(/1 to 200 characters/)
    expect(refusal(withChip({ id: 'a\nb' }))).toMatch(/without control characters/)
    expect(refusal(withChip({ label: 'maybe' }))).toMatch(/neither "positive" nor "negative"/)
    expect(refusal(withChip({ footprint: [[500, 0]] }))).toMatch(/outside the map/)
    expect(refusal({ ...json(), chips: [chip, chip] })).toMatch(/in the file twice/)
    const many = Array.from({ length: 501 }, (_, i) => ({ ...chip, id: `c${i}` }))
    expect(refusal({ ...json(), chips: many, areas: [] })).toMatch(/501 examples; at most 500/)
    const area = (json()['areas'] as Record<string, unknown>[])[0]!
    expect(refusal({ ...json(), areas: [{ ...area, ring: [[0, 0], [1, 1], [1, 0], [0, 1]] }] })).toMatch(/crosses itself/)
    expect(refusal({ ...json(), areas: [{ ...area, id: '<img>' }] })).toMatch(/id of the form a1/)
    // Prototype keys are plain data, never merged into anything.
    const proto = parseLabelsFile(JSON.stringify({ ...json(), __proto__: { polluted: true } }))
    expect(proto.ok).toBe(true)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('decodes base64 strictly', () => {
    expect(base64ToFloat32('AAAAAA=')).toBeNull()
    expect(base64ToFloat32('AAA=')).toBeNull() // 2 bytes: not a whole float32
    expect(Array.from(base64ToFloat32(float32ToBase64(new Float32Array([1.5, -0])))!)).toEqual([1.5, -0])
  })

  it('says which model is needed when the vector spaces differ', () => {
    expect(spaceMismatch(space, { ...space })).toBeNull()
    expect(spaceMismatch(space, { model: 'Clay v1.5', family: 'clay-v1.5', dims: 1024, sourceModel: null })).toMatch(/made by Clay v0 \(4 numbers each\).*open a dataset made by Clay v0/)
    expect(spaceMismatch(space, { ...space, dims: 8 })).not.toBeNull()
    expect(spaceMismatch({ ...space, sourceModel: 'm1' }, { ...space, sourceModel: 'm2' })).not.toBeNull()
  })
})
