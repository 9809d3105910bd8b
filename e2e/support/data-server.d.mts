// Types for data-server.mjs (the e2e data server), for tests that start it in-process.
import type { SyntheticManifest } from '../../scripts/make-synthetic-sets.mjs'
import type { EncoderSet } from '../../scripts/make-encoder-set.mjs'

export interface DataServerOptions {
  /** The CORS port (0: any free one); default 4180. */
  port?: number
  /** The port without CORS headers (0: any free one); default 4181. */
  noCorsPort?: number
  /** Where the generated fixtures go; default e2e/.fixtures. */
  dir?: string
  /** Where the synthetic sets go (the `synthetic` bucket); default <dir>/sets. */
  setsDir?: string
  /** The real sample folder (the `clay-v0-sample` bucket); default $CHIPFINDER_FIXTURES/clay-v0. */
  clayDir?: string
  /** The large generated sets (the `large` bucket, scripts/make-large-set.mjs); default .cache/large-sets. */
  largeDir?: string
  log?: (line: string) => void
}

export interface DataServer {
  port: number
  noCorsPort: number
  /** http://127.0.0.1:<port> */
  url: string
  /** http://127.0.0.1:<noCorsPort> */
  noCorsUrl: string
  fixturesDir: string
  setsDir: string
  manifest: SyntheticManifest
  /** The synthetic encoder set (/encoder, /stac), or null when it couldn't be made here. */
  encoderSet: EncoderSet | null
  /** Stops both servers, cutting open connections and pending slow answers. */
  close(): Promise<void>
}

export interface FaultSpec {
  status: number | null
  failFirst: number | null
  slowMs: number
  truncate: boolean
  listStatus: number | null
  ignoreRange: boolean
}

/** Writes the fixtures and synthetic sets, then listens on both ports of 127.0.0.1. */
export function startDataServer(options?: DataServerOptions): Promise<DataServer>
/** The faults of an /s3-fault/<spec>/ route, or why the spec is wrong. */
export function parseFaultSpec(spec: string): FaultSpec | string

/** The flat colour of the test imagery tile z/x/y (GET /tiles/<z>/<x>/<y>.png). */
export function tileColour(z: number, x: number, y: number): { r: number; g: number; b: number }
/** A width × height PNG of one colour (8-bit RGB). */
export function solidPng(width: number, height: number, colour: { r: number; g: number; b: number }): Buffer
