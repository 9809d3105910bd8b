// The addresses an embed links to. Whether the page is an embed at all (`embed=1`, and the host
// origins it talks to) is read once by the composition root (services.embed; app/lib/embed/
// origins.ts documents the parameters).

import { shareLink } from '../flows/url-sync.ts'
import { withoutEmbedParams } from '../../lib/embed/origins.ts'

/** The full app with the current search: its share link (the address without the embed parameters). */
export function fullAppHref(): string {
  const { origin, pathname, search, hash } = window.location
  return shareLink() ?? `${origin}${pathname}${withoutEmbedParams(search)}${hash}`
}

/** The app's page without a query (what an embed snippet's address starts with). */
export function appPageUrl(): string {
  return `${window.location.origin}${window.location.pathname}`
}
