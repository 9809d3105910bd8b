// Undo and redo of labelling steps. A step records, for each chip whose label it changed, the
// label and list position before and after, so undoing it restores the lists exactly (same
// order, hence the same link and the same ranking) and redoing it replays it, even when other
// chips were labelled or dropped from the lists in between. Drawn areas are examples too: a step
// records each area added, removed or relabelled (the whole area, so undoing a removal brings
// its outline back).

import type { DrawnArea } from '../lib/areas/area.ts'
import type { ExampleLabel } from '../lib/vocabulary.ts'

export interface Examples {
  positives: readonly string[]
  negatives: readonly string[]
  /** Drawn areas, in the order drawn (absent: no area changes). */
  areas?: readonly DrawnArea[]
}

export interface AreaChange {
  id: string
  /** The area before the step (null: not there) and its index in the list of areas. */
  before: DrawnArea | null
  beforeIndex: number
  /** The area after the step, and its index. */
  after: DrawnArea | null
  afterIndex: number
}

export interface LabelChange {
  id: string
  /** The label before the step (null: not an example), and the chip's index in that list. */
  from: ExampleLabel | null
  fromIndex: number
  /** The label after the step, and the index in that list. */
  to: ExampleLabel | null
  toIndex: number
}

export interface LabelStep {
  /** What the step did, worded for people: "mark 03WVN_20220610_0200 as positive". */
  description: string
  changes: LabelChange[]
  /** Areas added, removed or relabelled by the step (absent: none). */
  areaChanges?: AreaChange[]
}

/** Most steps kept; older ones are forgotten. */
export const MAX_HISTORY = 100

function labelOf(examples: Examples, id: string): [ExampleLabel | null, number] {
  const p = examples.positives.indexOf(id)
  if (p >= 0) return ['positive', p]
  const n = examples.negatives.indexOf(id)
  if (n >= 0) return ['negative', n]
  return [null, -1]
}

/** The chips whose label differs between two states (chips only moved up a list don't count). */
export function diffExamples(before: Examples, after: Examples): LabelChange[] {
  const ids = new Set([...before.positives, ...before.negatives, ...after.positives, ...after.negatives])
  const changes: LabelChange[] = []
  for (const id of ids) {
    const [from, fromIndex] = labelOf(before, id)
    const [to, toIndex] = labelOf(after, id)
    if (from !== to) changes.push({ id, from, fromIndex, to, toIndex })
  }
  return changes
}

/** Puts each changed chip back under the label (and at the index) the step had on one side. */
export function applyChanges(current: Examples, changes: readonly LabelChange[], direction: 'undo' | 'redo'): { positives: string[]; negatives: string[] } {
  const changed = new Set(changes.map((c) => c.id))
  const positives = current.positives.filter((id) => !changed.has(id))
  const negatives = current.negatives.filter((id) => !changed.has(id))
  const placed = changes
    .map((c) => (direction === 'undo' ? { id: c.id, label: c.from, index: c.fromIndex } : { id: c.id, label: c.to, index: c.toIndex }))
    .filter((p) => p.label !== null)
    // In ascending order each chip lands at its own index, between the chips that stayed.
    .sort((a, b) => a.index - b.index)
  for (const p of placed) {
    const list = p.label === 'positive' ? positives : negatives
    list.splice(Math.min(p.index, list.length), 0, p.id)
  }
  return { positives, negatives }
}

/** The areas added, removed or relabelled between two lists (other edits, e.g. dates, don't count). */
export function diffAreas(before: readonly DrawnArea[], after: readonly DrawnArea[]): AreaChange[] {
  const ids = new Set([...before, ...after].map((a) => a.id))
  const changes: AreaChange[] = []
  for (const id of ids) {
    const beforeIndex = before.findIndex((a) => a.id === id)
    const afterIndex = after.findIndex((a) => a.id === id)
    const b = before[beforeIndex] ?? null
    const a = after[afterIndex] ?? null
    if (b?.label !== a?.label) changes.push({ id, before: b, beforeIndex, after: a, afterIndex })
  }
  return changes
}

/** Puts each changed area back as the step had it on one side, at its index. An area still in the
 * list keeps its other fields (dates, scene) and takes only the label. */
export function applyAreaChanges(current: readonly DrawnArea[], changes: readonly AreaChange[], direction: 'undo' | 'redo'): DrawnArea[] {
  const changed = new Map(changes.map((c) => [c.id, c]))
  const out = current.filter((a) => !changed.has(a.id))
  const placed = changes
    .map((c) => (direction === 'undo' ? { area: c.before, index: c.beforeIndex } : { area: c.after, index: c.afterIndex }))
    .filter((p): p is { area: DrawnArea; index: number } => p.area !== null)
    .sort((a, b) => a.index - b.index)
  for (const { area, index } of placed) {
    const now = current.find((a) => a.id === area.id)
    out.splice(Math.min(index, out.length), 0, now ? { ...now, label: area.label } : area)
  }
  return out
}

function describeAreaChange({ id, before, after }: AreaChange): string {
  if (!before) return `draw area ${id} as ${after!.label}`
  if (!after) return `remove area ${id}`
  return `mark area ${id} as ${after.label}`
}

/** A step in words, as the Undo and Redo buttons say it. */
export function describeChanges(changes: readonly LabelChange[], areaChanges: readonly AreaChange[] = []): string {
  if (areaChanges.length === 1 && changes.length === 0) return describeAreaChange(areaChanges[0]!)
  if (areaChanges.length > 0) {
    const all = changes.length + areaChanges.length
    if (changes.every((c) => c.to === null) && areaChanges.every((c) => c.after === null)) return `clear ${all} examples`
    return `change ${all} examples`
  }
  if (changes.length === 1) {
    const { id, from, to } = changes[0]!
    if (to !== null) return `mark ${id} as ${to}`
    return `remove ${id} from the ${from}s`
  }
  if (changes.every((c) => c.to === null)) return `clear ${changes.length} examples`
  return `change ${changes.length} examples`
}

/** The step that turns `before` into `after`, or null when no label changed. */
export function stepBetween(before: Examples, after: Examples): LabelStep | null {
  const changes = diffExamples(before, after)
  const areaChanges = before.areas && after.areas ? diffAreas(before.areas, after.areas) : []
  if (changes.length === 0 && areaChanges.length === 0) return null
  const step: LabelStep = { description: describeChanges(changes, areaChanges), changes }
  if (areaChanges.length > 0) step.areaChanges = areaChanges
  return step
}
