import { beforeEach, describe, expect, it } from 'vitest'
import { useAppStore } from './store.ts'
import { MAX_HISTORY } from './label-history.ts'

const initial = useAppStore.getState()
const state = () => useAppStore.getState()
const lists = () => ({ positives: state().positives, negatives: state().negatives })

describe('store: labelling history', () => {
  beforeEach(() => useAppStore.setState(initial, true))

  it('makes every labelling action one step that undo takes back and redo replays', () => {
    const { toggleExample, removeExample, clearExamples, undo, redo } = state()
    toggleExample('a', 'positive')
    toggleExample('b', 'positive')
    toggleExample('c', 'negative')
    toggleExample('b', 'negative') // b changes sides
    removeExample('a')
    expect(lists()).toEqual({ positives: [], negatives: ['c', 'b'] })
    clearExamples()
    expect(lists()).toEqual({ positives: [], negatives: [] })
    expect(state().undoSteps.map((s) => s.description)).toEqual([
      'mark a as positive',
      'mark b as positive',
      'mark c as negative',
      'mark b as negative',
      'remove a from the positives',
      'clear 2 examples',
    ])

    const seen = [lists()]
    for (let i = 0; i < 6; i++) {
      undo()
      seen.push(lists())
    }
    expect(seen.at(-1)).toEqual({ positives: [], negatives: [] })
    expect(seen[1]).toEqual({ positives: [], negatives: ['c', 'b'] })
    expect(seen[2]).toEqual({ positives: ['a'], negatives: ['c', 'b'] })
    expect(seen[3]).toEqual({ positives: ['a', 'b'], negatives: ['c'] })
    expect(state().undoSteps).toEqual([])
    undo() // nothing left: no change
    expect(lists()).toEqual({ positives: [], negatives: [] })

    for (let i = 5; i >= 0; i--) {
      redo()
      expect(lists()).toEqual(seen[i])
    }
    expect(state().redoSteps).toEqual([])
  })

  it('a new step after an undo forgets what could be redone', () => {
    const { toggleExample, undo } = state()
    toggleExample('a', 'positive')
    toggleExample('b', 'positive')
    undo()
    expect(state().redoSteps).toHaveLength(1)
    toggleExample('c', 'negative')
    expect(state().redoSteps).toEqual([])
    expect(lists()).toEqual({ positives: ['a'], negatives: ['c'] })
  })

  it('records nothing for actions that change nothing, nor for the app setting the examples', () => {
    const { removeExample, clearExamples, setExamples } = state()
    removeExample('nope')
    clearExamples()
    setExamples(['a'], ['b'])
    expect(state().undoSteps).toEqual([])
    expect(lists()).toEqual({ positives: ['a'], negatives: ['b'] })
  })

  it(`keeps the last ${MAX_HISTORY} steps`, () => {
    for (let i = 0; i < MAX_HISTORY + 10; i++) state().toggleExample(`c${i}`, 'positive')
    expect(state().undoSteps).toHaveLength(MAX_HISTORY)
    expect(state().undoSteps[0]!.description).toBe('mark c10 as positive')
  })
})

describe('store: ranking method', () => {
  beforeEach(() => useAppStore.setState(initial, true))

  it('defaults to the average example and drops a threshold made for another method', () => {
    expect(state().method).toBe('mean')
    state().setThreshold(0.4)
    state().setMethod('mean')
    expect(state().threshold).toBe(0.4)
    state().setMethod('classifier')
    expect(state().method).toBe('classifier')
    expect(state().threshold).toBeNull()
  })
})
