import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { demoData } from './scripts/vite/demo-data.ts'
import { offlineBasemap } from './scripts/vite/offline-basemap.ts'
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy } from './scripts/vite/csp.ts'

const root = import.meta.dirname

/**
 * Cross-origin isolation, so the encoder's WebAssembly may use threads (SharedArrayBuffer).
 * `credentialless` rather than `require-corp`: cross-origin files a person points the app at
 * (datasets, tiles, thumbnails) are fetched with CORS and need no Cross-Origin-Resource-Policy
 * header, and a no-CORS subresource still loads, only without cookies. A deployment sends the
 * same two headers with its pages; without them the encoder runs on one thread.
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), demoData(root), offlineBasemap(), contentSecurityPolicy()],
  worker: { format: 'es' },
  // Imported on first use (a GeoParquet export); listed here so the dev server bundles it up
  // front instead of discovering it then and reloading the page.
  optimizeDeps: { include: ['hyparquet-writer'] },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2500,
  },
  server: { port: 5173, open: !process.env.CI && !!process.env.DISPLAY, headers: ISOLATION_HEADERS },
  // The built page carries its policy in a <meta> too (scripts/vite/csp.ts); the header also
  // covers the workers, which a <meta> in the page doesn't reach.
  preview: { port: 4173, headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
})
