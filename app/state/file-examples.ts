// Examples loaded from a labels file that the open dataset doesn't have: a chip of another
// dataset made by the same model, ranked by its stored vector. Small and shown in the Examples
// panel; the vectors themselves live in the registry (app/services/resources/registry.ts, fileExampleVectors).

import { create } from 'zustand'
import type { LabelsSpace } from '../lib/labels-file.ts'
import type { ExampleLabel } from '../lib/vocabulary.ts'

export interface FileExample {
  /** The chip's id in the dataset it came from. */
  id: string
  label: ExampleLabel
  date: string | null
  /** Outline in lon/lat (closed ring), when the file had it. */
  footprint: [number, number][] | null
  /** The labels file it came from (shown beside it). */
  fileName: string
}

export interface FileExamplesState {
  /** In the order loaded; ids are unique. */
  examples: FileExample[]
  /** The vector space of their vectors (one file's); null when there are none. */
  space: LabelsSpace | null
  /** Bumped whenever a vector in fileExampleVectors changes. */
  version: number
}

export const useFileExamples = create<FileExamplesState>()(() => ({ examples: [], space: null, version: 0 }))
