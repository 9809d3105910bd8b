// The HTML a person pastes into their site to embed a search: an <iframe>, or the
// <chipfinder-search> web component (public/chipfinder-embed.js). Built as text; every attribute
// value is escaped, so nothing in a link or an origin can close the attribute or the tag.

import { withEmbedParams, withoutEmbedParams } from './origins.ts'

/** A value made safe inside a double-quoted HTML attribute (and as text). */
export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** A width or height as an HTML attribute takes it: pixels (120–4000) or a percentage (1–100%). */
export function parseDimension(input: string): string | null {
  const text = input.trim()
  const px = /^(\d{1,4})(px)?$/.exec(text)
  if (px) {
    const n = Number(px[1])
    return n >= 120 && n <= 4000 ? String(n) : null
  }
  const pct = /^(\d{1,3})%$/.exec(text)
  if (pct) {
    const n = Number(pct[1])
    return n >= 1 && n <= 100 ? `${n}%` : null
  }
  return null
}

export interface SnippetOptions {
  /** The app's page without a query: `https://chipfinder.example/`. */
  appUrl: string
  /** The current search's query string (embed parameters in it are replaced). */
  search: string
  /** The rest of a long search (`#s&…`), or '' (app/lib/url-state.ts). */
  hash?: string
  /** Host origins allowed to command the embed (already validated); none: read-only. */
  allowed: readonly string[]
  width: string
  height: string
}

/** The embed's address: the app, the search, `embed=1` and the allowed origins. */
export function embedSrc({ appUrl, search, hash = '', allowed }: Pick<SnippetOptions, 'appUrl' | 'search' | 'hash' | 'allowed'>): string {
  return `${appUrl}${withEmbedParams(search, allowed)}${hash}`
}

const TITLE = 'Chipfinder: places that look alike'

export function iframeSnippet(options: SnippetOptions): string {
  const src = embedSrc(options)
  return (
    `<iframe src="${escapeAttribute(src)}" width="${escapeAttribute(options.width)}" height="${escapeAttribute(options.height)}"` +
    ` title="${escapeAttribute(TITLE)}" loading="lazy" allow="clipboard-write"></iframe>`
  )
}

/** The script tag and the element; the element adds `embed=1` and `allow` itself. */
export function componentSnippet(options: SnippetOptions): string {
  const script = new URL('chipfinder-embed.js', options.appUrl).href
  const link = `${options.appUrl}${withoutEmbedParams(options.search)}${options.hash ?? ''}`
  const allow = options.allowed.length > 0 ? ` allow-origin="${escapeAttribute(options.allowed.join(' '))}"` : ''
  return (
    `<script type="module" src="${escapeAttribute(script)}"></script>\n` +
    `<chipfinder-search src="${escapeAttribute(link)}" width="${escapeAttribute(options.width)}" height="${escapeAttribute(options.height)}"${allow}></chipfinder-search>`
  )
}
