// Examples from a labels file that the open dataset lacks: their vectors (in the registry),
// whether they can be ranked by on the open dataset (same vector space), and the query vectors
// the ranking uses. The list itself is the store app/state/file-examples.ts.

import { spaceMismatch, type LabelsSpace } from '../../lib/labels-file.ts'
import { useAppStore } from '../../state/store.ts'
import { useFileExamples, type FileExample } from '../../state/file-examples.ts'
import type { Registry } from '../resources/registry.ts'

/** The open dataset's vector space; null before a file has loaded. */
export function openSpace(): LabelsSpace | null {
  const summary = useAppStore.getState().summary
  if (!summary) return null
  return { model: summary.modelLabel, family: summary.family, dims: summary.dims, sourceModel: summary.sourceModel }
}

export interface FileExamples {
  /** Why the examples from a file can't be ranked by on the open dataset; null when they can (or there are none). */
  mismatch(): string | null
  /** The query vectors for the ranking: none when the spaces differ. */
  queries(): { vector: Float32Array; label: 'positive' | 'negative' }[]
  /** Add examples from a file (their vectors with them); an id already there is replaced. */
  add(examples: FileExample[], vectors: Map<string, Float32Array>, space: LabelsSpace): void
  remove(id: string): void
  clear(): void
  /** A vector by chip id. */
  vector(id: string): Float32Array | undefined
  /** For the exported query: which examples came from a file. */
  queryEntries(): { id: string; label: 'positive' | 'negative' }[]
}

export function createFileExamples(registry: Registry): FileExamples {
  const vectors = registry.fileExampleVectors
  const mismatch = (): string | null => {
    const { space, examples } = useFileExamples.getState()
    const open = openSpace()
    if (!space || !open || examples.length === 0) return null
    return spaceMismatch(space, open)
  }
  return {
    mismatch,
    queries() {
      const open = openSpace()
      if (!open || mismatch() !== null) return []
      const out: { vector: Float32Array; label: 'positive' | 'negative' }[] = []
      for (const ex of useFileExamples.getState().examples) {
        const vector = vectors.get(ex.id)
        if (vector && vector.length === open.dims) out.push({ vector, label: ex.label })
      }
      return out
    },
    add(examples, added, space) {
      for (const [id, v] of added) vectors.set(id, v)
      const ids = new Set(examples.map((e) => e.id))
      useFileExamples.setState((s) => ({ examples: [...s.examples.filter((e) => !ids.has(e.id)), ...examples], space, version: s.version + 1 }))
    },
    remove(id) {
      vectors.delete(id)
      useFileExamples.setState((s) => {
        const examples = s.examples.filter((e) => e.id !== id)
        return { examples, space: examples.length ? s.space : null, version: s.version + 1 }
      })
    },
    clear() {
      if (useFileExamples.getState().examples.length === 0) return
      vectors.clear()
      useFileExamples.setState((s) => ({ examples: [], space: null, version: s.version + 1 }))
    },
    vector: (id) => vectors.get(id),
    queryEntries: () => useFileExamples.getState().examples.map(({ id, label }) => ({ id, label })),
  }
}
