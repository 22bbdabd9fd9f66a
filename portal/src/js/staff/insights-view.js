// One figure family as the insights page shows it: a heading, a bar chart of the range's totals, a line per
// figure across the periods when there is more than one, then a table with every period's figures and the
// totals (caption, th scope), in a region that scrolls sideways on a narrow screen and takes keyboard focus.
import { el } from '../ui.js'
import { barChart, trendChart } from './chart.js'
import { byPeriod, familyLabel, figureLabel, formatNumber, longDate, periodLabel } from './figures.js'

const PERIOD_HEADINGS = { day: 'Day', week: 'Week', month: 'Month' }
const PERIOD_WORDS = { day: 'day', week: 'week (from Monday)', month: 'month' }
const TREND_WORDS = { day: 'Day by day', week: 'Week by week (from Monday)', month: 'Month by month' }
const chartName = (text) => el('p', { class: 'govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-2' }, text)

export const header = (text, attributes = {}) => el('th', { class: 'govuk-table__header', ...attributes }, text)
const numberCell = (value, name) => el('td', { class: 'govuk-table__cell govuk-table__cell--numeric', 'data-figure': name }, formatNumber(value))

export function rangeText (answer) {
  return `${longDate(answer.from)} to ${longDate(answer.to)}, by ${PERIOD_WORDS[answer.period] || answer.period}`
}

// Distinct victims are counted in each period: a total adds the periods up, so it is not distinct.
function visitorsNote (period) {
  const word = PERIOD_HEADINGS[period]?.toLowerCase() || 'period'
  return `Each victim who viewed a case counts once in each ${word}, by how many times they came that ${word}. ` +
    `The total adds the ${word}s up: a victim who came in two ${word}s counts in both.`
}

export function familySection (answer, { family, figures }, starts) {
  const id = `family-${family.replace(/[^a-z0-9-]/gi, '-')}`
  const label = familyLabel(family)
  const totals = answer.totals[family]
  const bars = figures.map((name) => ({ name, label: figureLabel(name), value: totals[name], text: formatNumber(totals[name]) }))
  const chart = barChart({ id: `${id}-chart`, title: `${label}: totals, ${longDate(answer.from)} to ${longDate(answer.to)}`, bars })
  const heads = figures.map((name) => header(figureLabel(name), { scope: 'col', class: 'govuk-table__header govuk-table__header--numeric', 'data-figure': name }))
  const values = Object.fromEntries(figures.map((name) => [name, byPeriod(answer, family, name)]))
  const lines = figures.map((name) => ({ name,
    label: figureLabel(name),
    points: starts.map((start) => ({ label: periodLabel(start, answer.period), value: values[name](start), text: formatNumber(values[name](start)) })) }))
  const trend = starts.length > 1 && trendChart({ id: `${id}-trend`, title: `${label}: by ${PERIOD_WORDS[answer.period] || answer.period}, each on its own scale`, lines })
  const rows = starts.map((start) => el('tr', { class: 'govuk-table__row', 'data-period': start },
    header(periodLabel(start, answer.period), { scope: 'row' }), figures.map((name) => numberCell(values[name](start), name))))
  const table = el('table', { class: 'govuk-table', 'data-family': family },
    el('caption', { class: 'govuk-table__caption govuk-table__caption--s', id: `${id}-caption` }, `${label}, ${rangeText(answer)}`),
    el('thead', { class: 'govuk-table__head' }, el('tr', { class: 'govuk-table__row' }, header(PERIOD_HEADINGS[answer.period] || 'Period', { scope: 'col' }), heads)),
    el('tbody', { class: 'govuk-table__body' }, rows),
    el('tfoot', {}, el('tr', { class: 'govuk-table__row', 'data-period': 'total' },
      header('Total', { scope: 'row' }), figures.map((name) => numberCell(totals[name], name)))))
  return el('section', { class: 'app-family', 'data-family': family, 'aria-labelledby': `${id}-heading` },
    el('h3', { class: 'govuk-heading-m', id: `${id}-heading` }, label),
    family === 'visitors' && el('p', { class: 'govuk-body app-family-note' }, visitorsNote(answer.period)),
    chartName('Totals'),
    chart,
    trend && chartName(TREND_WORDS[answer.period] || answer.period),
    trend,
    el('div', { class: 'app-table-scroll', role: 'region', 'aria-labelledby': `${id}-caption`, tabindex: '0' }, table))
}
