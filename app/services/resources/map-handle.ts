import type { Map as MapLibreMap } from 'maplibre-gl'

/**
 * The live map, for code outside React that must move the camera or project coordinates (the
 * embed bridge, the drawing tools, the test API). Made by the composition root; the map view
 * attaches its map while it is mounted.
 */
export interface MapHandle {
  /** The map on the page; null while none is mounted. */
  current(): MapLibreMap | null
  attach(map: MapLibreMap): void
  /** Forget `map`, if it is the one attached. */
  detach(map: MapLibreMap): void
}

export function createMapHandle(): MapHandle {
  let current: MapLibreMap | null = null
  return {
    current: () => current,
    attach(map) {
      current = map
    },
    detach(map) {
      if (current === map) current = null
    },
  }
}
