/**
 * Places panels left to right on Grafana's 24-column grid, wrapping to a new
 * row when the next one does not fit, so dashboards list panels in reading
 * order without hand-computed coordinates.
 */
export interface Placed {
  gridPos(pos: { x: number; y: number; w: number; h: number }): unknown
}

export function grid() {
  let x = 0
  let y = 0
  let rowHeight = 0
  return <P extends Placed>(panel: P, w: number, h: number): P => {
    if (x + w > 24) {
      x = 0
      y += rowHeight
      rowHeight = 0
    }
    panel.gridPos({ x, y, w, h })
    x += w
    rowHeight = Math.max(rowHeight, h)
    return panel
  }
}
