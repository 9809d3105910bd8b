import { useMemo } from 'react'
import { useAppStore, type AppState } from '../state/store.ts'
import { SATELLITE_TILES } from '../map/basemaps.ts'
import type { ImagerySource } from '../lib/catalog/catalog.ts'
import type { ImageryProblem } from '../services/resources/thumbnails.ts'

/** The satellite basemap's imagery, for datasets that don't name their own. */
export const DEFAULT_IMAGERY: ImagerySource = {
  tiles: SATELLITE_TILES,
  maxZoom: 14,
  attribution: 'Sentinel-2 cloudless 2016 by EOX IT Services GmbH (contains modified Copernicus Sentinel data 2016), CC BY 4.0',
}

/** The imagery the result pictures come from, or why there are none. */
export type ImageryChoice = { source: ImagerySource; credit: string } | ({ source: null } & ImageryProblem)

function hostOf(template: string): string {
  try {
    return new URL(template.replace(/\{[zxy]\}/g, '0')).host
  } catch {
    return template
  }
}

/**
 * The imagery for the open dataset: the one its catalog entry names, else Sentinel-2 cloudless
 * (the satellite basemap's). The offline map means the person keeps the app off the network's
 * map services, so that default isn't fetched then; nor while the satellite basemap is known
 * to be unreachable.
 */
export function chooseImagery(s: Pick<AppState, 'datasetUrl' | 'catalog' | 'basemap' | 'basemapFallback'>): ImageryChoice {
  const own = s.datasetUrl === null ? undefined : s.catalog?.entries.find((e) => e.href === s.datasetUrl && e.imagery)?.imagery
  if (own) return { source: own, credit: own.attribution ?? `imagery from ${hostOf(own.tiles)}, as the dataset’s catalog says` }
  if (s.basemap === 'offline')
    return {
      source: null,
      reason: 'No imagery offline',
      detail: 'The offline map is chosen, so no satellite imagery is downloaded. Choose Satellite or Map to see pictures of the chips.',
    }
  if (s.basemap === 'satellite' && s.basemapFallback)
    return { source: null, reason: 'Imagery can’t be reached', detail: 'The satellite imagery can’t be reached right now, so only outlines are shown.' }
  return { source: DEFAULT_IMAGERY, credit: DEFAULT_IMAGERY.attribution! }
}

export function useImagery(): ImageryChoice {
  const datasetUrl = useAppStore((s) => s.datasetUrl)
  const catalog = useAppStore((s) => s.catalog)
  const basemap = useAppStore((s) => s.basemap)
  const basemapFallback = useAppStore((s) => s.basemapFallback)
  return useMemo(() => chooseImagery({ datasetUrl, catalog, basemap, basemapFallback }), [datasetUrl, catalog, basemap, basemapFallback])
}
