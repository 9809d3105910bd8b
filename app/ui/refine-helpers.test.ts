import { describe, expect, it } from 'vitest'
import { historyKey } from './UndoRedo.tsx'
import { chooseImagery, DEFAULT_IMAGERY } from './imagery.ts'
import type { CatalogEntry } from '../lib/catalog/catalog.ts'

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) =>
  historyKey({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods })

describe('undo and redo keys', () => {
  it('reads Ctrl/Cmd+Z as undo, Ctrl/Cmd+Shift+Z and Ctrl+Y as redo, and nothing else', () => {
    expect(key('z', { ctrlKey: true })).toBe('undo')
    expect(key('z', { metaKey: true })).toBe('undo')
    expect(key('Z', { ctrlKey: true, shiftKey: true })).toBe('redo')
    expect(key('z', { metaKey: true, shiftKey: true })).toBe('redo')
    expect(key('y', { ctrlKey: true })).toBe('redo')
    expect(key('z')).toBeNull()
    expect(key('z', { ctrlKey: true, altKey: true })).toBeNull()
    expect(key('x', { ctrlKey: true })).toBeNull()
  })
})

describe('which imagery the pictures come from', () => {
  const entry = (href: string, imagery: CatalogEntry['imagery']): CatalogEntry => ({
    id: 'a',
    title: 'A',
    description: null,
    href,
    layout: 'prefix',
    modelName: null,
    dims: null,
    licence: null,
    attribution: null,
    imagery,
  })
  const own = { tiles: 'https://tiles.test/{z}/{x}/{y}.png', maxZoom: 16, attribution: null }
  const base = { basemap: 'satellite' as const, basemapFallback: false }

  it('uses the imagery the open dataset’s catalog entry names', () => {
    const catalog = { url: 'https://x/catalog.json', entries: [entry('https://x/a/', own), entry('https://x/b/', null)] }
    expect(chooseImagery({ ...base, datasetUrl: 'https://x/a/', catalog })).toEqual({ source: own, credit: 'imagery from tiles.test, as the dataset’s catalog says' })
    // Even on the offline map: the dataset came with it.
    expect(chooseImagery({ ...base, basemap: 'offline', datasetUrl: 'https://x/a/', catalog }).source).toBe(own)
    expect(chooseImagery({ ...base, datasetUrl: 'https://x/b/', catalog }).source).toBe(DEFAULT_IMAGERY)
  })

  it('falls back to Sentinel-2 cloudless, but not on the offline map or while it is unreachable', () => {
    expect(chooseImagery({ ...base, datasetUrl: null, catalog: null }).source).toBe(DEFAULT_IMAGERY)
    expect(chooseImagery({ ...base, basemap: 'plain', datasetUrl: null, catalog: null }).source).toBe(DEFAULT_IMAGERY)
    expect(chooseImagery({ ...base, basemap: 'offline', datasetUrl: null, catalog: null })).toMatchObject({ source: null, reason: 'No imagery offline' })
    expect(chooseImagery({ ...base, basemapFallback: true, datasetUrl: null, catalog: null })).toMatchObject({ source: null, reason: 'Imagery can’t be reached' })
  })
})
