// How the open dataset turns a drawn area into a vector: 'stored' (the overlap-weighted mean of
// the loaded chips under it: any dataset) or 'encoder' (the dataset's model run in the browser
// on fresh imagery: sets whose model has a manifest under models/).

/** The mode for the open dataset. */
export function areaModeFor(): 'stored' | 'encoder' {
  return 'stored'
}
