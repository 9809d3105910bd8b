import { describe, expect, it } from 'vitest'
import { backgroundCount, backgroundRows, backgroundSeed, sigmoid, trainLogistic } from './classifier.ts'
import { gaussian } from './testing/rank-data.ts'

function unit(v: Float64Array): Float64Array {
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

/** Two groups of unit vectors around opposite-ish directions, in `dims` dimensions. */
function groups(nPos: number, nNeg: number, dims: number, seed = 1) {
  const g = gaussian(seed)
  const a = Float64Array.from({ length: dims }, g)
  const b = Float64Array.from({ length: dims }, g)
  const x: Float64Array[] = []
  const y: number[] = []
  for (let k = 0; k < nPos + nNeg; k++) {
    const base = k < nPos ? a : b
    x.push(unit(base.map((v) => v + 1.5 * g())))
    y.push(k < nPos ? 1 : 0)
  }
  return { x, y }
}

/** The gradient of the training objective at the model: zero at the optimum. */
function gradient(x: Float64Array[], y: number[], w: Float64Array, b: number, lambda: number) {
  const npos = y.filter(Boolean).length
  const gw = w.map((v) => lambda * v)
  let gb = 0
  x.forEach((xk, k) => {
    const c = y[k] ? 0.5 / npos : 0.5 / (y.length - npos)
    let z = b
    for (let j = 0; j < xk.length; j++) z += w[j]! * xk[j]!
    const r = c * (sigmoid(z) - y[k]!)
    gb += r
    for (let j = 0; j < xk.length; j++) gw[j]! += r * xk[j]!
  })
  return { gw: Math.max(...gw.map(Math.abs)), gb: Math.abs(gb) }
}

describe('trainLogistic', () => {
  it('reaches the optimum of the regularised objective (gradient zero) in a few Newton steps', () => {
    for (const [nPos, nNeg, lambda] of [
      [3, 50, 1e-3],
      [20, 200, 1e-3],
      [1, 1, 1e-2],
      [5, 7, 1e-4],
    ] as const) {
      const { x, y } = groups(nPos, nNeg, 64)
      const model = trainLogistic(x, y, { lambda })
      expect(model.converged).toBe(true)
      expect(model.iterations).toBeLessThan(30)
      const { gw, gb } = gradient(x, y, model.w, model.b, lambda)
      expect(gw).toBeLessThan(1e-9)
      expect(gb).toBeLessThan(1e-9)
    }
  })

  it('separates the classes, and copes with repeated and zero examples (a singular Gram matrix)', () => {
    const { x, y } = groups(4, 40, 32, 7)
    x.push(x[0]!, x[0]!, new Float64Array(32))
    y.push(1, 1, 0)
    const model = trainLogistic(x, y)
    expect(model.converged).toBe(true)
    const z = (v: Float64Array) => v.reduce((s, xj, j) => s + xj * model.w[j]!, model.b)
    x.forEach((v, k) => {
      if (k < 4) expect(z(v)).toBeGreaterThan(0)
      else if (k < 44) expect(z(v)).toBeLessThan(0)
    })
    expect(() => trainLogistic([x[0]!], [1])).toThrow(/positives and negatives/)
  })

  it('is fast: 20 positives and 200 background rows in 768 dimensions in well under a second', () => {
    const { x, y } = groups(20, 200, 768, 3)
    const t0 = performance.now()
    trainLogistic(x, y)
    expect(performance.now() - t0).toBeLessThan(1000)
  })
})

describe('background rows', () => {
  it('are distinct, unlabelled, seeded, and all of them when there are too few', () => {
    const exclude = new Set([1, 2, 3])
    const a = backgroundRows(1000, exclude, 50, 42)
    expect(new Set(a).size).toBe(50)
    for (const r of a) expect(r >= 0 && r < 1000 && !exclude.has(r)).toBe(true)
    expect(backgroundRows(1000, exclude, 50, 42)).toEqual(a)
    expect(backgroundRows(1000, exclude, 50, 43)).not.toEqual(a)
    expect(backgroundRows(10, exclude, 50, 1)).toEqual([0, 4, 5, 6, 7, 8, 9])
    expect(backgroundSeed([5, 3], 100)).toBe(backgroundSeed([3, 5], 100))
    expect(backgroundCount(1)).toBe(50)
    expect(backgroundCount(12)).toBe(120)
    expect(backgroundCount(99)).toBe(500)
  })

  it('sigmoid is stable at the extremes', () => {
    expect(sigmoid(0)).toBe(0.5)
    expect(sigmoid(800)).toBe(1)
    expect(sigmoid(-800)).toBe(0)
    expect(sigmoid(-3) + sigmoid(3)).toBeCloseTo(1, 15)
  })
})
