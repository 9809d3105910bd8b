// Chips too small to see as footprints, drawn as small squares: one GL point per chip, from binary
// position and colour attributes, sized like the chip (in metres) but never below a few pixels.
//
// Why not deck.gl's ScatterplotLayer: it draws each point as an instanced quad, and instanced
// draws are where SwiftShader (Chromium's WebGL on the CPU, what headless Chromium and machines
// without a usable GPU get) is slowest. In a bare WebGL2 test on the 2-core test machine, 200,000
// instanced quads took 5.4 s to draw and 200,000 points 0.21 s; in the app, a frame of 200,000
// chips went from about 6 s with ScatterplotLayer to about 0.8 s with this layer. On a GPU both
// are instant. A point is also a quarter of the vertices, and needs no antialiasing at this size.
//
// Picking colours come from gl_VertexID, so a picked point's index is the chip's index in the
// segment. DataFilterExtension works as on any deck.gl layer (filterValues is per vertex here).

import { Layer, picking, project32, type DefaultProps, type LayerProps, type UpdateParameters } from '@deck.gl/core'
import { Model } from '@luma.gl/engine'
import type { ShaderModule } from '@luma.gl/shadertools'

const uniformBlock = /* glsl */ `\
layout(std140) uniform chipPointsUniforms {
  float sizeMetres;
  float minPixels;
  float maxPixels;
} chipPoints;
`

type ChipPointsUniformProps = { sizeMetres: number; minPixels: number; maxPixels: number }

const chipPointsUniforms = {
  name: 'chipPoints',
  vs: uniformBlock,
  fs: uniformBlock,
  uniformTypes: { sizeMetres: 'f32', minPixels: 'f32', maxPixels: 'f32' },
} as const satisfies ShaderModule<ChipPointsUniformProps>

const vs = /* glsl */ `\
#version 300 es
#define SHADER_NAME chip-point-layer-vertex-shader
in vec3 positions;
in vec3 positions64Low;
in vec4 fillColors;
out vec4 vFillColor;
void main(void) {
  geometry.worldPosition = positions;
  geometry.pickingColor = picking_getPickingColorFromIndex(float(gl_VertexID));
  gl_Position = project_position_to_clipspace(positions, positions64Low, vec3(0.0), geometry.position);
  DECKGL_FILTER_GL_POSITION(gl_Position, geometry);
  vec3 size = vec3(clamp(project_size_to_pixel(chipPoints.sizeMetres), chipPoints.minPixels, chipPoints.maxPixels));
  DECKGL_FILTER_SIZE(size, geometry);
  gl_PointSize = size.x * project.devicePixelRatio;
  vFillColor = vec4(fillColors.rgb, fillColors.a * layer.opacity);
  DECKGL_FILTER_COLOR(vFillColor, geometry);
}
`

const fs = /* glsl */ `\
#version 300 es
#define SHADER_NAME chip-point-layer-fragment-shader
precision highp float;
in vec4 vFillColor;
out vec4 fragColor;
void main(void) {
  fragColor = vFillColor;
  DECKGL_FILTER_COLOR(fragColor, geometry);
}
`

export interface ChipPointLayerProps extends LayerProps {
  /** Binary: `{ length, attributes: { getPosition: { value, size: 2 }, getFillColor: { value, size: 4, normalized: true } } }`. */
  data: object
  /** The side of a chip, metres: a point is drawn this size when that is more than minPixels. */
  sizeMetres?: number
  minPixels?: number
  maxPixels?: number
}

const defaultProps: DefaultProps<ChipPointLayerProps> = {
  sizeMetres: { type: 'number', min: 0, value: 1 },
  minPixels: { type: 'number', min: 0, value: 2 },
  maxPixels: { type: 'number', min: 0, value: 64 },
}

export class ChipPointLayer extends Layer<Required<ChipPointLayerProps>> {
  static override layerName = 'ChipPointLayer'
  static override defaultProps = defaultProps

  declare state: { model?: Model }

  override getShaders() {
    return super.getShaders({ vs, fs, modules: [project32, picking, chipPointsUniforms] })
  }

  override initializeState() {
    this.getAttributeManager()!.add({
      positions: { size: 3, type: 'float64', fp64: this.use64bitPositions(), accessor: 'getPosition' },
      fillColors: { size: 4, type: 'unorm8', accessor: 'getFillColor', defaultValue: [255, 255, 255, 255] },
    })
  }

  override updateState(params: UpdateParameters<this>) {
    super.updateState(params)
    if (params.changeFlags.extensionsChanged) {
      this.state.model?.destroy()
      this.state.model = this._getModel()
      this.getAttributeManager()!.invalidateAll()
    }
  }

  override draw() {
    const model = this.state.model
    if (!model) return
    const { sizeMetres, minPixels, maxPixels } = this.props
    model.shaderInputs.setProps({ chipPoints: { sizeMetres, minPixels, maxPixels } })
    model.setVertexCount(this.getNumInstances())
    model.draw(this.context.renderPass)
  }

  protected _getModel(): Model {
    return new Model(this.context.device, {
      ...this.getShaders(),
      id: this.props.id,
      bufferLayout: this.getAttributeManager()!.getBufferLayouts({ isInstanced: false }),
      topology: 'point-list',
      isInstanced: false,
    })
  }
}
