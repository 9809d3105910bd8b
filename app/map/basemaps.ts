// The basemaps a person can choose. Each is a MapLibre style; the offline one needs nothing
// from the network (Natural Earth land, bundled), and sits under the satellite imagery so the
// map never goes blank while tiles load or when they can't be reached.
//
// Licences, checked for use inside other people's sites:
// - Sentinel-2 cloudless 2016 by EOX (the 2016 layer is CC BY 4.0; later years are NC).
// - OpenFreeMap "positron": OpenStreetMap data (ODbL), free to use without a key.
// - Natural Earth: public domain.

import type { StyleSpecification } from 'maplibre-gl'
import type { BasemapId } from '../lib/vocabulary.ts'

export const SATELLITE_TILES = 'https://tiles.maps.eox.at/wmts/1.0.0/s2cloudless_3857/default/g/{z}/{y}/{x}.jpg'
export const SATELLITE_ATTRIBUTION =
  '<a href="https://s2maps.eu" target="_blank" rel="noopener">Sentinel-2 cloudless</a> by EOX IT Services GmbH (contains modified Copernicus Sentinel data 2016), CC BY 4.0'
export const PLAIN_STYLE_URL = 'https://tiles.openfreemap.org/styles/positron'
export const LAND_ATTRIBUTION = 'Land: <a href="https://www.naturalearthdata.com" target="_blank" rel="noopener">Natural Earth</a>'

/** Source ids whose failures mean "the basemap can't be reached". */
export const REMOTE_SOURCE_IDS = new Set(['satellite', 'openmaptiles', 'ne2_shaded'])

export const BASEMAP_LABELS: Record<BasemapId, string> = {
  satellite: 'Satellite',
  plain: 'Map',
  offline: 'Offline',
}

function graticule(): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = []
  for (let lon = -180; lon <= 180; lon += 10)
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[lon, -85], [lon, 85]] } })
  for (let lat = -80; lat <= 80; lat += 10)
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[-180, lat], [180, lat]] } })
  return { type: 'FeatureCollection', features }
}

function offlineStyle(landUrl: string, withSatellite: boolean): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {
      land: { type: 'geojson', data: landUrl, attribution: LAND_ATTRIBUTION },
      graticule: { type: 'geojson', data: graticule() },
    },
    layers: [
      { id: 'water', type: 'background', paint: { 'background-color': '#1b2a3a' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#3a4436' } },
      { id: 'coast', type: 'line', source: 'land', paint: { 'line-color': '#8a9a82', 'line-width': 0.8 } },
      { id: 'graticule', type: 'line', source: 'graticule', paint: { 'line-color': '#ffffff', 'line-opacity': 0.08 } },
    ],
  }
  if (withSatellite) {
    style.sources.satellite = {
      type: 'raster',
      tiles: [SATELLITE_TILES],
      tileSize: 256,
      maxzoom: 14,
      attribution: SATELLITE_ATTRIBUTION,
    }
    style.layers.push({ id: 'satellite', type: 'raster', source: 'satellite' })
  }
  return style
}

/** The style for a basemap; `landUrl` is where the app serves its bundled land polygons. */
export function basemapStyle(id: BasemapId, landUrl: string): StyleSpecification | string {
  switch (id) {
    case 'satellite':
      return offlineStyle(landUrl, true)
    case 'plain':
      return PLAIN_STYLE_URL
    case 'offline':
      return offlineStyle(landUrl, false)
  }
}
