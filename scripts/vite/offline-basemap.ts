// The offline basemap: Natural Earth land (public domain, via world-atlas) as GeoJSON, so the
// map still shows coastlines when no tile server can be reached. Converted from TopoJSON at
// build time so the app itself needs no TopoJSON code.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Plugin } from 'vite'
import { feature } from 'topojson-client'
import type { Topology, GeometryCollection } from 'topojson-specification'

export const OFFLINE_LAND_PATH = 'basemap/land-50m.geojson'

function landGeoJson(): string {
  const require = createRequire(import.meta.url)
  const topo = JSON.parse(readFileSync(require.resolve('world-atlas/land-50m.json'), 'utf8')) as Topology<{
    land: GeometryCollection
  }>
  // Three decimals (about 100 m) is finer than 1:50m data and halves the file.
  return JSON.stringify(feature(topo, topo.objects.land), (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v))
}

export function offlineBasemap(): Plugin {
  let cached: string | undefined
  const get = () => (cached ??= landGeoJson())
  return {
    name: 'chipfinder:offline-basemap',
    configureServer(server) {
      server.middlewares.use(`/${OFFLINE_LAND_PATH}`, (_req, res) => {
        res.setHeader('Content-Type', 'application/geo+json')
        res.end(get())
      })
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: OFFLINE_LAND_PATH, source: get() })
    },
  }
}
