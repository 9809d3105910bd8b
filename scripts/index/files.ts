// Output files appear whole or not at all: written beside their place, then renamed into it,
// so a build killed mid-write leaves no half file that a rerun would take for a done one.

import { renameSync, writeFileSync } from 'node:fs'
import { threadId } from 'node:worker_threads'

export function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}-${threadId}.tmp`
  writeFileSync(tmp, data)
  renameSync(tmp, file)
}
