// "Save labels" and "Load labels" (app/lib/labels-file.ts is the format): the examples of the
// search with their embeddings, so that they can be reused on another dataset made by the same
// model. Loading never takes away what the person has: chips of the open dataset become ordinary
// examples (one step Undo takes back), drawn areas become drawn areas, and chips the dataset
// lacks become examples from a file, ranked by their stored vector when the model matches.

import type { SearchClient } from '../../../workers/search/client.ts'
import {
  encodeLabelsFile,
  LABELS_LIMITS,
  parseLabelsFile,
  spaceMismatch,
  type LabelledArea,
  type LabelledChip,
  type LabelsFile,
} from '../../lib/labels-file.ts'
import { AREA_LIMITS } from '../../lib/areas/area.ts'
import { useAppStore } from '../../state/store.ts'
import { useFileExamples, type FileExample } from '../../state/file-examples.ts'
import type { Registry } from '../resources/registry.ts'
import { openSpace, type FileExamples } from './file-examples.ts'
import { downloadBlob, exportBaseName } from './export.ts'

export type LoadOutcome = { ok: true; message: string } | { ok: false; message: string }

export interface LabelsActions {
  /** The search's examples with their vectors, as a labels file. */
  current(): Promise<LabelsFile>
  /** Write the labels file and download it. */
  save(): Promise<void>
  /** Read, check and apply a labels file a person picked or dropped; every outcome is a notice. */
  load(file: File): Promise<LoadOutcome>
  /** Apply a checked labels file to the open dataset; nothing changes when it is refused. */
  apply(file: LabelsFile, fileName: string): LoadOutcome
  /** The examples from a file as a labels file of their own (autosave keeps them this way); null when there are none. */
  fileExamplesAsLabels(): LabelsFile | null
}

export interface LabelsDeps {
  /** The search worker: it holds the chips' embeddings. */
  search: SearchClient
  registry: Registry
  fileExamples: FileExamples
}

export function createLabelsActions({ search, registry, fileExamples }: LabelsDeps): LabelsActions {
  return { current: currentLabels, save: saveLabels, load: loadLabels, apply: applyLabels, fileExamplesAsLabels }


  function fileExamplesAsLabels(): LabelsFile | null {
    const { examples, space } = useFileExamples.getState()
    if (!space || examples.length === 0) return null
    const chips: LabelledChip[] = []
    for (const e of examples) {
      const vector = fileExamples.vector(e.id)
      if (vector) chips.push({ id: e.id, label: e.label, footprint: e.footprint, date: e.date, vector })
    }
    return { dataset: { url: null, file: examples[0]?.fileName ?? null }, space, chips, areas: [] }
  }

  async function currentLabels(): Promise<LabelsFile> {
    const s = useAppStore.getState()
    const chips = registry.chips
    const space = openSpace()
    if (!chips || !space) throw new Error('Open a dataset first: labels are saved with the vectors of its chips.')
    const epoch = registry.epoch
    const out: LabelledChip[] = []
    const missing: string[] = []
    for (const [ids, label] of [
      [s.positives, 'positive'],
      [s.negatives, 'negative'],
    ] as const) {
      for (const id of ids) {
        const row = chips.rowOf(id)
        // One row with weight 1: the chip's own stored vector (float64 sum of one value, exact).
        const vector = row === undefined ? null : await search.call('meanOfRows', { epoch, rows: new Uint32Array([row]), weights: new Float64Array([1]) })
        if (!vector || row === undefined) {
          missing.push(id)
          continue
        }
        out.push({ id, label, footprint: chips.ring(row), date: chips.date(row), vector })
      }
    }
    if (registry.epoch !== epoch) throw new Error('The dataset changed while the labels were being saved; save them again.')
    const fromFile = fileExamplesAsLabels()
    const sameSpace = fromFile && spaceMismatch(fromFile.space, space) === null
    if (fromFile && sameSpace) for (const c of fromFile.chips) if (!out.some((x) => x.id === c.id)) out.push(c)
    const areas: LabelledArea[] = s.areas.map((a) => {
      const entry = registry.areas.get(a.id)
      return { ...a, vector: entry && entry.epoch === epoch ? entry.vector : null }
    })
    if (missing.length) useAppStore.getState().notify('warning', `${missing.length} example${missing.length > 1 ? 's aren’t' : ' isn’t'} loaded, so ${missing.length > 1 ? 'they were' : 'it was'} left out of the labels file.`)
    return { dataset: { url: s.localFileName === null ? s.datasetUrl : null, file: s.localFileName ?? s.summary?.fileName ?? null }, space, chips: out, areas }
  }

  async function saveLabels(): Promise<void> {
    const labels = await currentLabels()
    if (labels.chips.length + labels.areas.length === 0) throw new Error('There are no examples to save yet: click a chip or draw an area first.')
    const s = useAppStore.getState()
    const name = `${exportBaseName(s.localFileName ?? s.summary?.fileName ?? 'search')}-labels.json`
    downloadBlob(name, new Blob([encodeLabelsFile(labels)], { type: 'application/json' }))
  }

  function applyLabels(file: LabelsFile, fileName: string): LoadOutcome {
    const s = useAppStore.getState()
    const chips = registry.chips
    const space = openSpace()
    if (!chips || !space) return { ok: false, message: 'Open a dataset first, then load the labels: they are matched against its chips.' }
    const here = file.chips.filter((c) => chips.rowOf(c.id) !== undefined)
    const elsewhere = file.chips.filter((c) => chips.rowOf(c.id) === undefined)
    const mismatch = spaceMismatch(file.space, space)
    // Chips of another dataset are ranked by their vectors: only in the same space. Areas are drawn
    // again here (their vector is made from this dataset), so they need no vectors of the file's.
    if (elsewhere.length > 0 && mismatch) return { ok: false, message: `${fileName}: ${mismatch} Nothing was changed.` }
    if (s.areas.length + file.areas.length > AREA_LIMITS.areas)
      return { ok: false, message: `${fileName} has ${file.areas.length} areas and the search already has ${s.areas.length}; a search holds at most ${AREA_LIMITS.areas}. Remove some areas first. Nothing was changed.` }
    if (useFileExamples.getState().examples.length + elsewhere.length > LABELS_LIMITS.examples)
      return { ok: false, message: `That would make more than ${LABELS_LIMITS.examples} examples from files; remove some first. Nothing was changed.` }
    s.addExamples({
      positives: here.filter((c) => c.label === 'positive').map((c) => c.id),
      negatives: here.filter((c) => c.label === 'negative').map((c) => c.id),
      areas: file.areas.map(({ id: _id, vector: _v, ...a }) => a),
    })
    if (elsewhere.length > 0) {
      const examples: FileExample[] = elsewhere.map((c) => ({ id: c.id, label: c.label, date: c.date, footprint: c.footprint, fileName }))
      fileExamples.add(examples, new Map(elsewhere.map((c) => [c.id, c.vector])), file.space)
    }
    const parts = [
      here.length ? `${here.length} chip${here.length > 1 ? 's' : ''} of this dataset` : '',
      elsewhere.length ? `${elsewhere.length} chip${elsewhere.length > 1 ? 's' : ''} from another dataset (ranked by ${elsewhere.length > 1 ? 'their' : 'its'} stored vector)` : '',
      file.areas.length ? `${file.areas.length} area${file.areas.length > 1 ? 's' : ''}` : '',
    ].filter(Boolean)
    return { ok: true, message: `Loaded ${parts.join(', ')} from ${fileName}.` }
  }

  async function loadLabels(file: File): Promise<LoadOutcome> {
    const notify = useAppStore.getState().notify
    let outcome: LoadOutcome
    if (file.size > LABELS_LIMITS.bytes) {
      outcome = { ok: false, message: `${file.name} is ${(file.size / 1e6).toFixed(1)} MB; a labels file is at most ${LABELS_LIMITS.bytes / 1e6} MB. Pick the file Chipfinder saved. Nothing was changed.` }
    } else {
      const parsed = parseLabelsFile(await file.text())
      outcome = parsed.ok ? applyLabels(parsed.file, file.name) : { ok: false, message: `${file.name}: ${parsed.message} Nothing was changed.` }
    }
    notify(outcome.ok ? 'info' : 'error', outcome.message)
    return outcome
  }
}
