import { describe, expect, it } from 'vitest'
import { describeScore, scoreMeaning, scoreScaleOf } from './score-meaning.ts'

describe('score meaning', () => {
  it('tells a cosine method from the classifier by the range its scores take', () => {
    expect(scoreScaleOf([-1, 1])).toBe('cosine')
    expect(scoreScaleOf([0, 1])).toBe('probability')
  })

  it('words cosine similarities from the same place to the opposite', () => {
    expect(describeScore(1, 'cosine')).toBe('1.00 — practically the same as your examples')
    expect(describeScore(0.82, 'cosine')).toBe('0.82 — very like your examples')
    expect(describeScore(0.65, 'cosine')).toBe('0.65 — like your examples')
    expect(describeScore(0.45, 'cosine')).toBe('0.45 — somewhat like your examples')
    expect(describeScore(0.25, 'cosine')).toBe('0.25 — a little like your examples')
    expect(describeScore(0.03, 'cosine')).toBe('0.03 — neither like nor unlike your examples')
    expect(describeScore(-0.3, 'cosine')).toBe('−0.30 — unlike your examples')
    expect(describeScore(-0.9, 'cosine')).toBe('−0.90 — very unlike your examples')
  })

  it('words the classifier as a probability, 0.5 being a coin toss', () => {
    expect(describeScore(0.99, 'probability')).toBe('0.99 — almost certainly like your examples')
    expect(describeScore(0.8, 'probability')).toBe('0.80 — probably like your examples')
    expect(describeScore(0.55, 'probability')).toBe('0.55 — more likely like your examples than not')
    expect(describeScore(0.3, 'probability')).toBe('0.30 — probably not like your examples')
    expect(describeScore(0.01, 'probability')).toBe('0.01 — almost certainly not like your examples')
  })

  it('keeps the words consistent with the two decimals shown, float32 noise included', () => {
    // 0.8 and 0.95 as float32 are 0.800000011… and 0.949999988…: they read, and mean, 0.80 and 0.95.
    expect(describeScore(Math.fround(0.8), 'cosine')).toBe('0.80 — very like your examples')
    expect(describeScore(Math.fround(0.95), 'cosine')).toBe('0.95 — practically the same as your examples')
    expect(describeScore(0.7999, 'cosine')).toBe('0.80 — very like your examples')
    expect(describeScore(-0.001, 'cosine')).toBe('0.00 — neither like nor unlike your examples')
  })

  it('says when there is no score', () => {
    expect(scoreMeaning(Number.NaN, 'cosine')).toBe('not scored')
    expect(describeScore(Number.POSITIVE_INFINITY, 'probability')).toBe('not scored')
  })
})
