// The published sets the dataset picker offers, in the catalog format (app/lib/catalog/catalog.ts).
// Facts from ../shared/DATA.md. The offline demo is served by the app itself.

import { parseCatalog, type CatalogEntry } from '../../lib/catalog/catalog.ts'

const SOURCE_COOP = 'https://data.source.coop'

/** The offline demo's file, served beside the app (see scripts/vite/demo-data.ts). */
export function demoUrl(base: string = document.baseURI): string {
  return new URL('demo/clay-v0/03WVN_20220610_20220610_v001.gpq', base).href
}

/**
 * `npm start`'s drawing demo: a synthetic Sentinel-2 scene whose chips the test encoder embedded,
 * with a local STAC API over its COGs (scripts/vite/demo-data.ts makes and serves them in dev;
 * a static build has no Python to make them, so the entry is dev-only). Drawing there runs the
 * whole encoder mode offline.
 */
function drawingDemo(demoUrl: string): object[] {
  if (!import.meta.env?.DEV) return []
  const base = new URL('../../', demoUrl)
  return [
    {
      id: 'drawing-demo',
      title: 'Demo: draw an area (synthetic scene, test encoder, offline)',
      description: 'A synthetic Sentinel-2 scene with four planted lakes. Draw inside one: the test encoder runs in your browser on the scene’s imagery and finds the others.',
      href: new URL('demo/encoder/chipfinder-test-s2.parquet', base).href,
      layout: 'file',
      model: 'chipfinder-test-encoder-v1',
      stac: new URL('demo/stac', base).href,
    },
  ]
}

export function builtinCatalog(demoUrl: string): CatalogEntry[] {
  return parseCatalog(
    {
      version: 1,
      datasets: [
        {
          id: 'demo',
          title: 'Demo: Clay v0, Seward Peninsula (offline)',
          description: 'One real file, 417 chips; works without a network.',
          href: demoUrl,
          layout: 'file',
          model: { name: 'Clay v0', dims: 768 },
          licence: 'ODC-BY-1.0',
          attribution: 'Clay embeddings, Clay / Radiant Earth',
        },
        ...drawingDemo(demoUrl),
        {
          id: 'clay-v0',
          title: 'Clay v0, global (Sentinel-2)',
          description: 'About 1.2 M chips of 5.12 km in about 2,400 files, 2022–2023.',
          href: `${SOURCE_COOP}/clay/clay-model-v0-embeddings/`,
          layout: 'prefix',
          model: { name: 'Clay v0', dims: 768 },
          licence: 'ODC-BY-1.0',
          attribution: 'Clay embeddings, Clay / Radiant Earth',
        },
        {
          id: 'clay-v1-5-s2',
          title: 'Clay v1.5, Sentinel-2',
          description: '2.56 km chips, 1024-d.',
          href: `${SOURCE_COOP}/clay/clay-v1-5-sentinel2/`,
          layout: 'prefix',
          model: { name: 'Clay v1.5', dims: 1024 },
          attribution: 'Clay embeddings, Clay / Radiant Earth',
        },
        {
          id: 'clay-v1-5-naip',
          title: 'Clay v1.5, NAIP (USA, aerial)',
          description: '256 px chips of US aerial imagery, one file per scene (6.6 TB): open a state and year folder.',
          href: `${SOURCE_COOP}/clay/clay-v1-5-naip-2/`,
          layout: 'prefix',
          model: { name: 'Clay v1.5', dims: 1024 },
          attribution: 'Clay embeddings, Clay / Radiant Earth',
        },
        {
          id: 'lgnd-clay-v1-5-s2',
          title: 'LGND Clay v1.5, Sentinel-2 L2A',
          description: 'Partitioned by grid zone, year and month.',
          href: `${SOURCE_COOP}/clay/lgnd-clay-v1-5-sentinel-2-l2a/`,
          layout: 'prefix',
          model: { name: 'Clay v1.5', dims: 1024 },
          attribution: 'LGND / Clay',
        },
      ],
    },
    demoUrl,
  ).entries
}

/** The built-in entry a URL opens, if it is one of them. */
export function builtinEntry(url: string, demoUrl: string): CatalogEntry | undefined {
  return builtinCatalog(demoUrl).find((e) => e.href === url)
}
