import type { Map as MapLibreMap } from 'maplibre-gl'

/** The live map, for the test API and for code outside React that must project coordinates. */
export const mapHandle: { map: MapLibreMap | null } = { map: null }
