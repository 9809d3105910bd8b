// The encoders that ship with the app: their manifests (models/<id>/manifest.json, checked by
// parseManifest) and, where the app serves the weights itself, the URL Vite emitted for them.

/// <reference types="vite/client" />
import { parseManifest, type ModelManifest } from '../../lib/encoder/manifest.ts'
import type { ModelSource } from '../../lib/encoder/model-fetch.ts'
import type { EncoderReference } from '../../lib/encoder/reference-inputs.ts'
import clayV15Json from '../../../models/clay-v1.5-sentinel-2/manifest.json'
import testEncoderJson from '../../../models/test-encoder/manifest.json'
import testEncoderUrl from '../../../models/test-encoder/encoder.onnx?url'

export interface BundledModel {
  manifest: ModelManifest
  /** Where the ONNX file is and what it must be; null when it can't be fetched from here. */
  source: ModelSource | null
}

/** Where a manifest's model file is: its own URL when absolute, else the one the build emitted. */
export function modelSource(manifest: ModelManifest, emittedUrl: string | null): ModelSource {
  const base = typeof location !== 'undefined' ? location.href : undefined
  const url = emittedUrl ?? manifest.url
  let href = url
  try {
    href = new URL(url, base).href
  } catch {
    // A relative URL with no page to resolve it against (unit tests in Node): keep it as it is.
  }
  return { id: manifest.id, url: href, sha256: manifest.sha256, bytes: manifest.bytes }
}

const testEncoderManifest = parseManifest(testEncoderJson)

/** The tiny test encoder (Clay v1.5's input contract, fixed weights), served by the app. */
export const TEST_ENCODER: BundledModel = { manifest: testEncoderManifest, source: modelSource(testEncoderManifest, testEncoderUrl) }

/** The published Clay v1.5 encoder's contract for Sentinel-2 L2A; its weights are not hosted yet. */
export const CLAY_V15_SENTINEL_2: BundledModel = { manifest: parseManifest(clayV15Json), source: null }

export const BUNDLED_MODELS: readonly BundledModel[] = [TEST_ENCODER, CLAY_V15_SENTINEL_2]

export function bundledModel(id: string): BundledModel | null {
  return BUNDLED_MODELS.find((m) => m.manifest.id === id) ?? null
}

/** PyTorch's forward pass of the test encoder on fixed inputs (loaded on demand: tests only). */
export async function testEncoderReference(): Promise<EncoderReference> {
  return (await import('../../../models/test-encoder/reference.json')).default as unknown as EncoderReference
}
