// The browser-sized export (scripts/models/export-browser-encoder.py) checked on the committed
// test encoder, which has Clay v1.5's input contract: waves and gsd baked in from the manifest,
// weights in fp16, and the result run in onnxruntime-web (the runtime the app uses) against
// PyTorch's reference outputs.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { maxAbsDiff, referenceFeeds, type EncoderReference } from '../../app/lib/encoder/reference-inputs.ts'

const root = path.resolve(import.meta.dirname, '../..')
const PYTHON = '/usr/bin/python3'
const SCRIPT = path.join(root, 'scripts/models/export-browser-encoder.py')
const MODEL = path.join(root, 'models/test-encoder/encoder.onnx')
const MANIFEST = path.join(root, 'models/test-encoder/manifest.json')
const reference = JSON.parse(readFileSync(path.join(root, 'models/test-encoder/reference.json'), 'utf8')) as EncoderReference

function exportModel(extra: string[] = []): { out: string; report: { bytes: number; fp16_initializers: number; bands: number; gsd: number } } {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'export-')), 'encoder.onnx')
  const stdout = execFileSync(PYTHON, [SCRIPT, '--onnx', MODEL, '--manifest', MANIFEST, '--out', out, ...extra], { encoding: 'utf8' })
  return { out, report: JSON.parse(stdout) }
}

async function run(file: string): Promise<{ inputs: readonly string[]; output: Float32Array }> {
  const ort = await import('onnxruntime-web')
  ort.env.wasm.numThreads = 1
  const session = await ort.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'], logSeverityLevel: 3 })
  const feeds = referenceFeeds(reference)
  const tensors: Record<string, InstanceType<typeof ort.Tensor>> = {}
  for (const name of session.inputNames) tensors[name] = new ort.Tensor('float32', feeds[name]!.data, feeds[name]!.dims)
  const result = await session.run(tensors)
  const output = result[session.outputNames[0]!]!.data as Float32Array
  await session.release()
  return { inputs: session.inputNames, output }
}

describe('export-browser-encoder.py on the test encoder', () => {
  it('bakes waves and gsd in and halves the weights; the result matches PyTorch to 2e-2', async () => {
    const { out, report } = exportModel()
    expect(report).toMatchObject({ bands: 10, gsd: 10 })
    expect(report.fp16_initializers).toBeGreaterThan(10)
    // fp16 weights: about half the file.
    expect(report.bytes).toBeLessThan(0.6 * readFileSync(MODEL).length)
    const { inputs, output } = await run(out)
    expect([...inputs].sort()).toEqual(['cube', 'latlon', 'time'])
    const diff = maxAbsDiff(output, reference.embeddings)
    expect(diff).toBeLessThan(2e-2)
    // Not a copy of the reference by accident: fp16 weights move the outputs a little.
    expect(diff).toBeGreaterThan(0)
  }, 60_000)

  it('with --keep-fp32 only bakes the constants: the result matches PyTorch to 1e-4', async () => {
    const { out, report } = exportModel(['--keep-fp32'])
    expect(report.fp16_initializers).toBe(0)
    const { inputs, output } = await run(out)
    expect(inputs).not.toContain('waves')
    expect(maxAbsDiff(output, reference.embeddings)).toBeLessThan(1e-4)
  }, 60_000)

  it('refuses a manifest without bands, and says why', () => {
    expect(() =>
      execFileSync(PYTHON, [SCRIPT, '--onnx', MODEL, '--manifest', path.join(root, 'package.json'), '--out', path.join(tmpdir(), 'x.onnx')], { encoding: 'utf8', stdio: 'pipe' }),
    ).toThrow(/has no bands/)
  })
})
