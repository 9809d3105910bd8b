// deck.gl's DataFilterExtension, with one change to where a filtered-out vertex goes.
//
// The extension moves every vertex of a filtered-out object to gl_Position = vec4(0.): w = 0, a
// point at infinity. GPUs drop such primitives for nothing, but SwiftShader (Chromium's WebGL on
// the CPU, what headless Chromium and GPU-less machines get) does not: a threshold that filtered
// 200,000 points out of one layer took 11 s a frame there, against 0.1 s with nothing filtered.
// Here a filtered vertex goes beyond the far plane (z = 2, w = 1) instead, which every rasterizer
// clips away at once. Everything else (uniforms, attributes, the fragment discard) is the
// extension's own.

import { DataFilterExtension, type DataFilterExtensionProps } from '@deck.gl/extensions'
import type { Layer } from '@deck.gl/core'

const CLIP_FILTERED = /* glsl */ `
    if (dataFilter_value == 0.0) {
      gl_Position = vec4(0.0, 0.0, 2.0, 1.0);
    }
`

interface ShaderModule {
  inject?: Record<string, string>
}

// One patched copy per original module, so luma.gl sees the same module object every time.
const patched = new WeakMap<ShaderModule, ShaderModule>()

function clipped(module: ShaderModule): ShaderModule {
  let copy = patched.get(module)
  if (!copy) {
    copy = { ...module, inject: { ...module.inject, 'vs:#main-end': CLIP_FILTERED } }
    patched.set(module, copy)
  }
  return copy
}

export class ClippedDataFilterExtension extends DataFilterExtension {
  static override extensionName = 'ClippedDataFilterExtension'

  override getShaders(this: Layer<DataFilterExtensionProps>, extension: ClippedDataFilterExtension) {
    const shaders = DataFilterExtension.prototype.getShaders.call(this, extension) as { modules: ShaderModule[] }
    return { ...shaders, modules: shaders.modules.map(clipped) }
  }
}
