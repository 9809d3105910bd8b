import { describe, expect, it } from 'vitest'
import { clayV0ChipId, clayV0GridCell, genericChipId } from './chip-id.ts'

describe('clayV0ChipId', () => {
  it('reads the published source_url form', () => {
    expect(clayV0ChipId('s3://clay-tiles-02/02/03WVN/2022-06-10/claytile_03WVN_20220610_v02_0001.tif')).toBe(
      '03WVN_20220610_0001',
    )
    expect(clayV0ChipId('s3://clay-tiles-02/02/60XWR/2023-12-31/claytile_60XWR_20231231_v02_0441.tif')).toBe(
      '60XWR_20231231_0441',
    )
  })

  it('is lenient about the bucket, folders and version', () => {
    expect(clayV0ChipId('s3://other-bucket/claytile_03WVN_20220610_v3_0123.tif')).toBe('03WVN_20220610_0123')
    expect(clayV0ChipId('https://example.org/a/b/claytile_33UUP_20200101_v02_0007.tif?x=1')).toBe('33UUP_20200101_0007')
    expect(clayV0ChipId('claytile_03WVN_20220610_v02_0001.tif')).toBe('03WVN_20220610_0001')
  })

  it('is strict about the claytile_ name', () => {
    for (const bad of [
      '',
      's3://clay-tiles-02/02/03WVN/2022-06-10/tile_03WVN_20220610_v02_0001.tif',
      's3://b/xclaytile_03WVN_20220610_v02_0001.tif',
      's3://b/claytile_03WVN_20220610_v02_0001.tiff',
      's3://b/claytile_03WVN_20220610_0001.tif',
      's3://b/claytile_3WVN_20220610_v02_0001.tif',
      's3://b/claytile_03IVN_20220610_v02_0001.tif',
      's3://b/claytile_03WVN_2022061_v02_0001.tif',
      's3://b/claytile_03WVN_20221310_v02_0001.tif',
      's3://b/claytile_03WVN_20220610_v02_001.tif',
      's3://b/claytile_03WVN_20220610_v02_0000.tif',
      's3://b/claytile_03WVN_20220610_v02_0442.tif',
    ]) {
      expect(clayV0ChipId(bad), bad).toBeNull()
    }
  })
})

describe('genericChipId', () => {
  it('joins the file name and row', () => {
    expect(genericChipId('scene.parquet', 12)).toBe('scene.parquet#12')
  })
})

describe('clayV0GridCell', () => {
  it('numbers chips row by row in a 21-wide grid', () => {
    expect(clayV0GridCell('03WVN_20220610_0001')).toEqual({ col: 0, row: 0 })
    expect(clayV0GridCell('03WVN_20220610_0021')).toEqual({ col: 20, row: 0 })
    expect(clayV0GridCell('03WVN_20220610_0022')).toEqual({ col: 0, row: 1 })
    expect(clayV0GridCell('03WVN_20220610_0440')).toEqual({ col: 19, row: 20 })
    expect(clayV0GridCell('03WVN_20220610_0441')).toEqual({ col: 20, row: 20 })
  })

  it('is null for other ids and out-of-grid numbers', () => {
    expect(clayV0GridCell('scene.parquet#3')).toBeNull()
    expect(clayV0GridCell('03WVN_20220610_0000')).toBeNull()
    expect(clayV0GridCell('03WVN_20220610_0442')).toBeNull()
  })
})
