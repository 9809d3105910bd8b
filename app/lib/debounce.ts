// One call of `run`, `delayMs` after the last of a burst of requests: for work that follows the
// store (writing the address, saving the session, telling an embed's host) where only the state
// at the end of a burst matters.

export interface Debounced {
  /** Ask for a run; a request already waiting is pushed back. */
  schedule(): void
  /** Run now if a request is waiting (e.g. when the page is hidden); otherwise nothing. */
  flush(): void
  /** Forget a waiting request. */
  cancel(): void
}

export function debounced(run: () => void, delayMs: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | null = null
  const fire = () => {
    timer = null
    run()
  }
  return {
    schedule() {
      if (timer !== null) clearTimeout(timer)
      timer = setTimeout(fire, delayMs)
    },
    flush() {
      if (timer === null) return
      clearTimeout(timer)
      fire()
    },
    cancel() {
      if (timer !== null) clearTimeout(timer)
      timer = null
    },
  }
}
