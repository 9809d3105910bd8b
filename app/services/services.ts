// What the map and the panels are given: every service of one running app, made by the
// composition root (app/compose.ts) and handed down through one React context
// (app/services/context.ts). The full app and an embed are made by the same function, so they
// have the same services; nothing is reached through a module-level setter or singleton.

import type { LocalIndexService } from './flows/local-index.ts'
import type { CatalogEntry } from '../lib/catalog/catalog.ts'
import type { EmbedConfig } from '../lib/embed/origins.ts'
import type { ExportActions } from './actions/export.ts'
import type { FileExamples } from './actions/file-examples.ts'
import type { LabelsActions } from './actions/labels.ts'
import type { AreaService } from './flows/areas/area-service.ts'
import type { Autosave } from './flows/autosave.ts'
import type { DatasetService } from './flows/dataset/opening.ts'
import type { MapHandle } from './resources/map-handle.ts'
import type { Registry } from './resources/registry.ts'
import type { ThumbnailLoader } from './resources/thumbnails.ts'

export interface Services {
  /** The big tables: loaded chips, files, the ranking, area and file-example vectors. */
  registry: Registry
  /** The live map (the map view fills it). */
  mapHandle: MapHandle
  /** Whether the page is an embed, and the host origins it talks to (read once from the address). */
  embed: EmbedConfig
  /** The built-in demo's address and the catalog the dataset picker shows. */
  catalog: { demoUrl: string; entries: CatalogEntry[] }
  /** Opening datasets and loading their files. */
  dataset: DatasetService
  /** Making a folder without a published index searchable everywhere: Start, Continue, Cancel. */
  localIndex: Pick<LocalIndexService, 'start' | 'cancel'>
  /** Drawn areas' vectors: Cancel and Retry on an area's card. */
  areas: Pick<AreaService, 'cancel' | 'retry'>
  /** The session kept in this browser: Start over, and the restored note. */
  session: Pick<Autosave, 'startOver' | 'dismissRestored'>
  /** Save and load labels files. */
  labels: LabelsActions
  /** Examples from a labels file that the open dataset lacks. */
  fileExamples: FileExamples
  /** Exports of the results. */
  exports: ExportActions
  /** Pictures of chips, cut from the imagery tiles. */
  thumbnails: ThumbnailLoader
}
