import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { demoData } from './scripts/vite/demo-data.ts'
import { offlineBasemap } from './scripts/vite/offline-basemap.ts'

const root = import.meta.dirname

export default defineConfig({
  root,
  base: './',
  plugins: [react(), demoData(root), offlineBasemap()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2500,
  },
  server: { port: 5173, open: !process.env.CI && !!process.env.DISPLAY },
  preview: { port: 4173 },
})
