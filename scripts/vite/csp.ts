// The app's Content-Security-Policy: only the app's own scripts run on its page, whoever frames
// it. Injected into the built index.html as a <meta http-equiv> (apply: 'build': the dev server
// needs an inline script for React Refresh) and sent as a real header by `vite preview`
// (vite.config.ts); README.md ("Hosting") says what a host should send.
//
//   script-src 'self' 'wasm-unsafe-eval'   the app's own modules; WebAssembly may be compiled
//                 (the search worker's kernels, onnxruntime-web), nothing else: no inline script,
//                 no eval, no script from another host.
//   worker-src 'self'   every worker is a file of the build (search, decode, encoder, MapLibre's,
//                 onnxruntime's threads); no blob: or data: workers are needed.
//   style-src 'self'    the built CSS files; MapLibre, deck.gl and React set styles through the
//                 CSSOM, which the policy doesn't govern, so no 'unsafe-inline'.
//   img-src 'self' data: blob: https: http:   basemap tiles (MapLibre decodes fetched tiles
//                 through blob: images) and small data: icons; a catalog may name any tile host.
//   connect-src 'self' https: http:   datasets are any http(s) link a person opens (and their
//                 S3 listings), catalogs, STAC APIs and COGs, tile hosts and models: the app
//                 can't know them in advance. http: for servers on a local network.
//   font-src 'self', object-src 'none', base-uri 'self', form-action 'none' (the app posts no
//                 form), default-src 'self' for the rest (frames, media, manifests).
// No frame-ancestors: being framed by any site is a feature (embed mode, docs/embed.md), and a
// <meta> policy can't carry that directive anyway.
import type { Plugin } from 'vite'

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https: http:",
  "font-src 'self'",
  "connect-src 'self' https: http:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ')

export function contentSecurityPolicy(): Plugin {
  return {
    name: 'chipfinder:csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
    },
  }
}
