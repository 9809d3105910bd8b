// The tooltip at the pointer over a chip: its id, and its score in plain words
// ("0.82 — very like your examples") once there is a ranking.

import type { CSSProperties } from 'react'
import { useAppStore } from '../state/store.ts'
import { currentRanking } from '../services/resources/registry.ts'
import { useServices } from '../services/context.ts'
import { describeScore, scoreScaleOf } from '../lib/score-meaning.ts'

/** The chip under the pointer: its global row, the dataset it belongs to, and where the pointer is (px in the map). */
export interface HoverTip {
  row: number
  epoch: number
  x: number
  y: number
}

const OFFSET = 14

const boxStyle: CSSProperties = {
  position: 'absolute',
  zIndex: 2,
  pointerEvents: 'none',
  maxWidth: 320,
  padding: '6px 9px',
  borderRadius: 6,
  background: 'rgb(23 28 37 / 0.94)',
  color: '#f2f4f8',
  font: '12px/1.4 system-ui, sans-serif',
  boxShadow: '0 2px 8px rgb(0 0 0 / 0.4)',
  whiteSpace: 'nowrap',
}

export function ChipTooltip({ tip, width, height }: { tip: HoverTip | null; width: number; height: number }) {
  const { registry } = useServices()
  // Re-render when the ranking, the data or the colouring change under a still pointer.
  useAppStore((s) => s.rankingVersion)
  useAppStore((s) => s.datasetVersion)
  const colourBy = useAppStore((s) => s.colourBy)
  const chips = registry.chips
  if (!tip || !chips || tip.epoch !== registry.epoch || tip.row >= chips.count) return null
  const ranking = currentRanking(registry)
  const score = ranking && tip.row < ranking.scores.length ? ranking.scores[tip.row]! : null
  const loss = colourBy === 'loss' ? chips.loss(tip.row) : null
  // Keep it on the map: flip to the pointer's other side near the right and bottom edges.
  const style: CSSProperties = {
    ...boxStyle,
    ...(tip.x > width - 240 ? { right: width - tip.x + OFFSET } : { left: tip.x + OFFSET }),
    ...(tip.y > height - 70 ? { bottom: height - tip.y + OFFSET } : { top: tip.y + OFFSET }),
  }
  return (
    <div role="tooltip" data-testid="chip-tooltip" style={style}>
      <div data-testid="chip-tooltip-id" style={{ fontWeight: 600 }}>
        {chips.id(tip.row)}
      </div>
      {score !== null && ranking ? (
        <div data-testid="chip-tooltip-score">{describeScore(score, scoreScaleOf(ranking.range))}</div>
      ) : (
        <div style={{ opacity: 0.75 }}>Click: more like this · Shift-click: not like this</div>
      )}
      {loss !== null && <div>loss {loss.toFixed(3)}</div>}
    </div>
  )
}
