// A horizontal bar chart in SVG, drawn without a library: one labelled bar per figure, its value written
// at the end of the bar (so nothing depends on colour), the label on its own line above (so a 320 px
// screen has room). The SVG is role="img" with a title and a description that says every value; the page
// puts a table with the same figures after it.
const SVG = 'http://www.w3.org/2000/svg'
const ROW = 52 // label line, then the bar
const BAR = 20
const MAX_WIDTH = 78 // per cent of the chart's width: room left for the value after the longest bar
const TEXT = { fill: '#0b0c0c', 'font-family': 'arial, sans-serif', 'font-size': 16 }

function node (tag, attributes = {}, text = null) {
  const made = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, String(value))
  if (text !== null) made.textContent = text
  return made
}

// bars: [{ name, label, value, text }] (text: the value as written); id: a prefix for the title's and description's ids.
export function barChart ({ id, title, bars }) {
  const most = Math.max(1, ...bars.map((bar) => bar.value))
  const svg = node('svg', { class: 'app-chart', width: '100%', height: bars.length * ROW + 4, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, focusable: 'false' })
  svg.append(node('title', { id: `${id}-title` }, title))
  svg.append(node('desc', { id: `${id}-desc` }, bars.map((bar) => `${bar.label}: ${bar.text}`).join('; ')))
  bars.forEach((bar, index) => {
    const top = index * ROW
    const width = Math.max(0, (bar.value / most) * MAX_WIDTH)
    const group = node('g', { 'aria-hidden': 'true', 'data-figure': bar.name })
    group.append(node('text', { ...TEXT, x: 0, y: top + 18 }, bar.label))
    group.append(node('rect', { x: 0, y: top + 26, width: `${width}%`, height: BAR, fill: '#1d70b8' }))
    group.append(node('text', { ...TEXT, x: `${width + 1.5}%`, y: top + 42, 'font-weight': 700 }, bar.text))
    svg.append(group)
  })
  return svg
}

// The figures period by period: one small line per figure (its label above, the line across the chart's
// width, the last period's value written after it), each on its own scale, so a rise or fall shows whatever
// the size. role="img" with a description that says every period's value; the same table follows.
// lines: [{ name, label, points: [{ label, value, text }] }] with a point per period, first first.
const LINE = { x: 0, width: '78%', height: BAR + 8 }
export function trendChart ({ id, title, lines }) {
  const svg = node('svg', { class: 'app-chart app-trend', width: '100%', height: lines.length * ROW + 4, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, focusable: 'false' })
  svg.append(node('title', { id: `${id}-title` }, title))
  svg.append(node('desc', { id: `${id}-desc` }, lines.map((line) => `${line.label}: ${line.points.map((point) => `${point.label} ${point.text}`).join(', ')}`).join('; ')))
  lines.forEach((line, index) => {
    const top = index * ROW
    const most = Math.max(1, ...line.points.map((point) => point.value))
    const step = 100 / Math.max(1, line.points.length - 1)
    const points = line.points.map((point, at) => `${(at * step).toFixed(2)},${(BAR - (point.value / most) * BAR + 2).toFixed(2)}`)
    // The line is drawn in its own box stretched to the width (a stroke that does not stretch with it)
    const box = node('svg', { ...LINE, y: top + 22, viewBox: `0 0 100 ${LINE.height}`, preserveAspectRatio: 'none' })
    box.append(node('line', { x1: 0, x2: 100, y1: BAR + 2, y2: BAR + 2, stroke: '#b1b4b6', 'stroke-width': 1, 'vector-effect': 'non-scaling-stroke' }))
    box.append(node('polyline', { points: points.join(' '), fill: 'none', stroke: '#1d70b8', 'stroke-width': 3, 'vector-effect': 'non-scaling-stroke' }))
    const last = line.points[line.points.length - 1]
    const group = node('g', { 'aria-hidden': 'true', 'data-figure': line.name })
    group.append(node('text', { ...TEXT, x: 0, y: top + 18 }, line.label))
    group.append(box)
    group.append(node('text', { ...TEXT, x: '80%', y: top + 42, 'font-weight': 700 }, last ? last.text : ''))
    svg.append(group)
  })
  return svg
}
