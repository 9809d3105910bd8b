// Examples from a labels file that the open dataset lacks: their vectors, whether they can be
// ranked by on the open dataset (same vector space), and the query vectors the ranking uses.

import { spaceMismatch, type LabelsSpace } from '../../lib/labels-file.ts'
import { useAppStore } from '../../state/store.ts'
import { useFileExamples, type FileExample } from '../../state/file-examples.ts'

/** Vectors of the examples from a file, by chip id (raw, in their dataset's space). */
export const fileExampleVectors = new Map<string, Float32Array>()

/** The open dataset's vector space; null before a file has loaded. */
export function openSpace(): LabelsSpace | null {
  const summary = useAppStore.getState().summary
  if (!summary) return null
  return { model: summary.modelLabel, family: summary.family, dims: summary.dims, sourceModel: summary.sourceModel }
}

/** Why the examples from a file can't be ranked by on the open dataset; null when they can (or there are none). */
export function fileExamplesMismatch(): string | null {
  const { space, examples } = useFileExamples.getState()
  const open = openSpace()
  if (!space || !open || examples.length === 0) return null
  return spaceMismatch(space, open)
}

/** The query vectors for the ranking: none when the spaces differ. */
export function fileExampleQueries(): { vector: Float32Array; label: 'positive' | 'negative' }[] {
  const open = openSpace()
  if (!open || fileExamplesMismatch() !== null) return []
  const out: { vector: Float32Array; label: 'positive' | 'negative' }[] = []
  for (const ex of useFileExamples.getState().examples) {
    const vector = fileExampleVectors.get(ex.id)
    if (vector && vector.length === open.dims) out.push({ vector, label: ex.label })
  }
  return out
}

/** Add examples from a file (their vectors with them); an id already there is replaced. */
export function addFileExamples(examples: FileExample[], vectors: Map<string, Float32Array>, space: LabelsSpace): void {
  for (const [id, v] of vectors) fileExampleVectors.set(id, v)
  const ids = new Set(examples.map((e) => e.id))
  useFileExamples.setState((s) => ({ examples: [...s.examples.filter((e) => !ids.has(e.id)), ...examples], space, version: s.version + 1 }))
}

export function removeFileExample(id: string): void {
  fileExampleVectors.delete(id)
  useFileExamples.setState((s) => {
    const examples = s.examples.filter((e) => e.id !== id)
    return { examples, space: examples.length ? s.space : null, version: s.version + 1 }
  })
}

export function clearFileExamples(): void {
  if (useFileExamples.getState().examples.length === 0) return
  fileExampleVectors.clear()
  useFileExamples.setState((s) => ({ examples: [], space: null, version: s.version + 1 }))
}

/** For the exported query: which examples came from a file. */
export function fileExampleQueryEntries(): { id: string; label: 'positive' | 'negative' }[] {
  return useFileExamples.getState().examples.map(({ id, label }) => ({ id, label }))
}
