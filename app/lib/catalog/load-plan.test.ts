import { describe, expect, it } from 'vitest'
import { planLoads, type FileRecord } from './load-plan.ts'
import { bboxRing, intersects, ringBBox, unionBBox, type BBox } from '../bbox.ts'

function file(key: string, bbox: BBox, rows: number | null = 441, status: FileRecord['status'] = 'idle'): FileRecord {
  return { key, url: `http://x/${key}`, size: 1_000_000, footprint: bboxRing(bbox), bbox, rows, status }
}

const base = { dims: 768, budgetBytes: 1e9, committedBytes: 0, maxFilesPerView: 10 }

describe('load plan', () => {
  it('loads the files in view, nearest the centre first', () => {
    const files = [file('far', [8, 8, 9, 9]), file('near', [4.5, 4.5, 5.5, 5.5]), file('out', [50, 50, 51, 51]), file('mid', [2, 2, 3, 3])]
    const plan = planLoads({ ...base, files, view: [0, 0, 10, 10] })
    expect(plan.load.map((f) => f.key)).toEqual(['near', 'mid', 'far'])
    expect(plan.inView).toBe(3)
    expect(plan.availableHere).toBe(3 * 441)
    expect(plan.stopReason).toBeNull()
  })

  it('asks to zoom in when too many files are in view', () => {
    const files = Array.from({ length: 12 }, (_, i) => file(`f${i}`, [i, 0, i + 1, 1]))
    const plan = planLoads({ ...base, files, view: [-180, -90, 180, 90] })
    expect(plan.load).toEqual([])
    expect(plan.stopKind).toBe('zoom')
    expect(plan.stopReason).toMatch(/12 files hold chips here\. Zoom in/)
  })

  it('stops at the memory budget and says so', () => {
    const perFile = 441 * 768 * 4
    const files = [file('a', [0, 0, 1, 1]), file('b', [1, 0, 2, 1]), file('c', [2, 0, 3, 1])]
    const plan = planLoads({ ...base, files, view: [0, 0, 3, 1], budgetBytes: perFile * 2.5, committedBytes: perFile })
    expect(plan.load).toHaveLength(1)
    expect(plan.stopKind).toBe('budget')
    expect(plan.stopReason).toMatch(/2 files here were not loaded/)
  })

  it('skips loaded and failed files and estimates unknown row counts', () => {
    const files = [file('loaded', [0, 0, 1, 1], 441, 'loaded'), file('err', [0, 0, 1, 1], 441, 'error'), file('unknown', [0, 0, 1, 1], null)]
    const plan = planLoads({ ...base, files, view: [0, 0, 1, 1] })
    expect(plan.load.map((f) => f.key)).toEqual(['unknown'])
    expect(plan.approximate).toBe(true)
    expect(plan.availableHere).toBe(441 + Math.round(1_000_000 / 1.4 / (768 * 4)))
    expect(plan.loadedHere).toBe(441)
    // A loaded file out of view counts for neither.
    const elsewhere = planLoads({ ...base, files: [...files, file('far', [50, 50, 51, 51], 300, 'loaded')], view: [0, 0, 1, 1] })
    expect(elsewhere.loadedHere).toBe(441)
  })

  it('does bbox arithmetic', () => {
    expect(intersects([0, 0, 1, 1], [1, 1, 2, 2])).toBe(true)
    expect(intersects([0, 0, 1, 1], [1.1, 0, 2, 1])).toBe(false)
    expect(ringBBox(new Float64Array([1, 2, 3, 0, 2, 5, 1, 2]))).toEqual([1, 0, 3, 5])
    expect(unionBBox([[0, 0, 1, 1], [2, -1, 3, 0]])).toEqual([0, -1, 3, 1])
    expect(unionBBox([])).toBeNull()
  })
})
