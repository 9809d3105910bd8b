// The composition root: the one place that makes the workers' clients and every service, and
// wires them together. The full app and an embed are made here by the same function (an embed
// differs only in what its flows do: it neither restores nor saves the visitor's own session, and
// it answers its host page's messages); the UI gets the result through one React context
// (app/services/context.ts). Nothing else makes a service, and no service reaches another
// through a module-level setter or singleton.
//
// Order matters, and is here for that reason: the link is read into the store before anything
// reacts to it; the saved session (at a bare address) before the dataset opens, so that the
// restored dataset is the one opened; the flows that react to the store before the dataset
// service opens its first dataset, so that they see it load.

import { createSearchClient } from '../workers/search/client.ts'
import { createDecodePool } from '../workers/decode/pool.ts'
import { createEncoderClient, type EncoderClient } from '../workers/encoder/client.ts'
import { readEmbedConfig } from './lib/embed/origins.ts'
import { createExportActions } from './services/actions/export.ts'
import { createFileExamples } from './services/actions/file-examples.ts'
import { createLabelsActions } from './services/actions/labels.ts'
import { encoderEmbedder } from './services/flows/areas/area-encoder.ts'
import { startArchiveService } from './services/flows/archive.ts'
import { startLocalIndexService } from './services/flows/local-index.ts'
import { startAreaService } from './services/flows/areas/area-service.ts'
import { startAutosave } from './services/flows/autosave.ts'
import { startDatasetService } from './services/flows/dataset/opening.ts'
import { startEmbedBridge } from './services/flows/embed-bridge.ts'
import { startRankingService } from './services/flows/ranking.ts'
import { readUrlIntoStore, startUrlSync } from './services/flows/url-sync.ts'
import { builtinCatalog, demoUrl } from './services/resources/builtin-catalog.ts'
import { createMapHandle } from './services/resources/map-handle.ts'
import { createRegistry } from './services/resources/registry.ts'
import { createBrowserThumbnailLoader } from './services/resources/thumbnails.ts'
import type { Services } from './services/services.ts'

export interface ComposedApp {
  services: Services
  /** The page's encoder worker, started on first use (areas, and the test API's self-test). */
  encoder(): EncoderClient
  /** Stop every flow (tests; a page never needs to). */
  stop(): void
}

/** Make the app for the page at `location` (its address says the search, and whether it is an embed). */
export async function composeApp(location: Pick<Location, 'search' | 'hash'> = window.location, baseUri: string = document.baseURI): Promise<ComposedApp> {
  const embed = readEmbedConfig(location.search)
  const demo = demoUrl(baseUri)

  const registry = createRegistry()
  const mapHandle = createMapHandle()
  const search = createSearchClient()
  const pool = createDecodePool()
  let encoderClient: EncoderClient | null = null
  const encoder = () => (encoderClient ??= createEncoderClient())

  const fileExamples = createFileExamples(registry)
  const labels = createLabelsActions({ search, registry, fileExamples })
  const exports = createExportActions({ registry, fileExamples, demoUrl: demo })

  readUrlIntoStore(location.search, location.hash)
  const stopUrlSync = startUrlSync()
  // A bare address brings back the last session; an embed shows the search its link names and
  // keeps nothing: it is someone else's page.
  const session = await startAutosave({ labels, fileExamples, keep: !embed.embed })
  const ranking = startRankingService({ search, registry, fileExamples })
  const areas = startAreaService({ search, registry, encoder: encoderEmbedder({ client: encoder }) })
  // The archive flow settles examples through the dataset service, which tells it when a folder opens.
  const archive = startArchiveService({ search, registry, fileExamples, settleExamples: () => dataset.settleExamples() })
  const localIndex = startLocalIndexService({ pool, registry, archive })
  const dataset = startDatasetService({ search, pool, registry, demoUrl: demo, archive, localIndex })
  // Only in embed mode with allowed host origins (docs/embed.md).
  const stopBridge = embed.embed ? startEmbedBridge({ config: embed, registry, mapHandle }) : () => {}

  const services: Services = {
    registry,
    mapHandle,
    embed,
    catalog: { demoUrl: demo, entries: builtinCatalog(demo) },
    dataset,
    localIndex,
    areas,
    session,
    labels,
    fileExamples,
    exports,
    thumbnails: createBrowserThumbnailLoader(),
  }
  const app: ComposedApp = {
    services,
    encoder,
    stop() {
      stopBridge()
      dataset.stop()
      archive.stop()
      localIndex.stop()
      areas.stop()
      ranking.stop()
      session.stop()
      stopUrlSync()
    },
  }
  // Test builds only (VITE_TEST_API=1): a window into the app for the end-to-end tests. A
  // production build has no test API at all: this branch and its module are left out.
  if (import.meta.env.VITE_TEST_API === '1') (await import('./testing/test-api.ts')).installTestApi(app)
  return app
}
