// Large generated sets for the specs that test scale: written on demand by
// scripts/make-large-set.mjs into .cache/large-sets (cached by parameters, so only the first run
// pays, a few seconds for 100k chips) and served by the data server as the `large` bucket.
import { writeLargeSet, type LargeSetManifest } from '../../scripts/make-large-set.mjs'
import { s3Urls } from './servers'

export interface LargeSet {
  manifest: LargeSetManifest
  /** The set's folder on the data server, as a person would paste it. */
  folderUrl: string
}

/** The set for these parameters, written first if it isn't there yet. */
export async function largeSet(params: { chips: number; dims: number; files: number; seed?: number }): Promise<LargeSet> {
  const manifest = await writeLargeSet(params)
  return { manifest, folderUrl: s3Urls.folder('large', manifest.name) }
}
