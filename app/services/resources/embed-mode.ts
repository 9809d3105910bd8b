// Whether the page is an embed (`embed=1`), and which host origins it talks to: read once from
// the address the page was opened with (app/lib/embed/origins.ts documents the parameters).

import { shareLink } from '../flows/url-sync.ts'
import { readEmbedConfig, withoutEmbedParams, type EmbedConfig } from '../../lib/embed/origins.ts'

export const embedConfig: EmbedConfig = readEmbedConfig(typeof window === 'undefined' ? '' : window.location.search)

/** The full app with the current search: its share link (the address without the embed parameters). */
export function fullAppHref(): string {
  const { origin, pathname, search, hash } = window.location
  return shareLink() ?? `${origin}${pathname}${withoutEmbedParams(search)}${hash}`
}

/** The app's page without a query (what an embed snippet's address starts with). */
export function appPageUrl(): string {
  return `${window.location.origin}${window.location.pathname}`
}
