// How the open dataset turns a drawn area into a vector: 'stored' (the overlap-weighted mean of
// the loaded chips under it: any dataset) or 'encoder' (the dataset's model run in the browser on
// fresh imagery: sets whose model ships with the app, app/services/resources/models.ts).
//
// The model is the catalog entry's `model` when the dataset was opened from a catalog, else the
// `source_model` its file says every row shares. Encoder mode needs all of:
// - a manifest for that model (models/<id>/manifest.json, matched by id or embedding space);
// - weights this app can fetch (the manifest's URL, or a file the build ships);
// - the dataset's vectors in the model's space: same dims, and no file saying another model made
//   them. Mixing vectors of two spaces ranks noise, so the app refuses and says why.
// Otherwise drawn areas are answered from the stored vectors, and `reason` says why.

import { useAppStore } from '../../../state/store.ts'
import { BUNDLED_MODELS, type BundledModel } from '../../resources/models.ts'

export interface AreaModeChoice {
  mode: 'stored' | 'encoder'
  /** The model whose encoder runs (encoder mode). */
  model: BundledModel | null
  /** STAC API for the imagery: the catalog entry's, else the manifest's. */
  stac: string | null
  /** Why drawn areas use the stored vectors, in words for people; null in encoder mode, or when the dataset names no model at all. */
  reason: string | null
}

export interface DatasetModelFacts {
  /** The catalog entry's model id, when the dataset was opened from a catalog. */
  catalogModel: string | null
  /** The catalog entry's STAC API. */
  catalogStac: string | null
  /** `source_model` shared by the file's rows (known once a file has loaded). */
  sourceModel: string | null
  /** Length of the dataset's vectors (known once a file has loaded). */
  dims: number | null
}

function findModel(name: string, models: readonly BundledModel[]): BundledModel | null {
  const key = name.trim().toLowerCase()
  return models.find((m) => m.manifest.id.toLowerCase() === key || m.manifest.embeddingSpace.toLowerCase() === key) ?? null
}

/** The choice for a dataset with these facts (pure: unit-tested). */
export function chooseAreaMode(facts: DatasetModelFacts, models: readonly BundledModel[] = BUNDLED_MODELS): AreaModeChoice {
  const stored = (reason: string | null): AreaModeChoice => ({ mode: 'stored', model: null, stac: null, reason })
  const name = facts.catalogModel ?? facts.sourceModel
  if (!name) return stored(null)
  const model = findModel(name, models)
  if (!model) return stored(`This dataset's model (${name}) can't run in a browser, so a drawn area is the mean of the stored chips it covers.`)
  const m = model.manifest
  if (facts.catalogModel && facts.sourceModel && !findModel(facts.sourceModel, [model])) {
    return stored(
      `The catalog says this dataset was made by ${m.name}, but its file says ${facts.sourceModel}. Vectors of two models can't be compared, so a drawn area uses the stored chips it covers.`,
    )
  }
  if (facts.dims !== null && facts.dims !== m.output.dims) {
    return stored(
      `${m.name} makes vectors of ${m.output.dims} numbers, but this dataset's have ${facts.dims}: they are not in the same space, so a drawn area uses the stored chips it covers instead.`,
    )
  }
  if (!model.source) return stored(`${m.name} isn't available to this app yet, so a drawn area is the mean of the stored chips it covers.`)
  return { mode: 'encoder', model, stac: facts.catalogStac ?? m.imagery?.stac ?? null, reason: null }
}

/** The facts about the open dataset. */
export function openDatasetFacts(): DatasetModelFacts {
  const { summary, datasetModel } = useAppStore.getState()
  return {
    catalogModel: datasetModel.modelId,
    catalogStac: datasetModel.stac,
    sourceModel: summary?.sourceModel ?? null,
    dims: summary?.dims ?? null,
  }
}

/** The choice for the open dataset. */
export function areaModeChoice(): AreaModeChoice {
  return chooseAreaMode(openDatasetFacts())
}

/** The mode for the open dataset. */
export function areaModeFor(): 'stored' | 'encoder' {
  return areaModeChoice().mode
}
