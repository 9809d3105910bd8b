import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { debounced } from './debounce.ts'

describe('debounced', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('runs once, the delay after the last request of a burst', () => {
    const run = vi.fn()
    const d = debounced(run, 100)
    d.schedule()
    vi.advanceTimersByTime(60)
    d.schedule()
    vi.advanceTimersByTime(60)
    expect(run).not.toHaveBeenCalled()
    vi.advanceTimersByTime(40)
    expect(run).toHaveBeenCalledTimes(1)
  })

  it('flushes a waiting request at once, and only a waiting one', () => {
    const run = vi.fn()
    const d = debounced(run, 100)
    d.flush()
    expect(run).not.toHaveBeenCalled()
    d.schedule()
    d.flush()
    expect(run).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(200)
    expect(run).toHaveBeenCalledTimes(1)
  })

  it('forgets a cancelled request', () => {
    const run = vi.fn()
    const d = debounced(run, 100)
    d.schedule()
    d.cancel()
    vi.advanceTimersByTime(200)
    d.flush()
    expect(run).not.toHaveBeenCalled()
  })
})
