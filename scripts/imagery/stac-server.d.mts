// Types for stac-server.mjs (the tests' STAC API over the synthetic encoder set).
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface StacHandlerOptions {
  /** The URL path the API is mounted at, e.g. "/stac". */
  root: string
  /** The set's stac/items.json (a FeatureCollection, asset hrefs "assets/<item>/<file>"). */
  itemsFile: string
  /** The folder holding <item>/<file> (make-scene.py's output). */
  sceneDir: string
  /** Make every asset href a /status/404/… link (a scene whose files were withdrawn). */
  brokenAssets?: boolean
}

/** A request handler; resolves false when the path is not under `root`. */
export type StacHandler = (req: IncomingMessage, res: ServerResponse, url: URL, ctx: { cors: boolean; origin: string }) => Promise<boolean>

export function stacHandler(options: StacHandlerOptions): StacHandler
