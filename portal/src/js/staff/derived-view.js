// What the insights API works out at read time (`derived`, docs/api.md): the calls-avoided estimate and the
// SMS cost, each with the assumptions and their source beside it, the share of invited victims who linked,
// and delivery, bounce, complaint and failure rates per channel. Summary lists and a table: no chart, as
// these are not counts over time.
import { el } from '../ui.js'
import { figureLabel, formatNumber } from './figures.js'
import { header } from './insights-view.js'

const POUNDS = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })
const PERCENT = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 2 })
const RATE_KINDS = ['delivery', 'bounce', 'complaint', 'failure']
const CHANNELS = { email: 'Email', sms: 'Text message' }

const row = (key, value, name) => el('div', { class: 'govuk-summary-list__row', 'data-derived': name },
  el('dt', { class: 'govuk-summary-list__key' }, key), el('dd', { class: 'govuk-summary-list__value' }, value))
const list = (rows) => el('dl', { class: 'govuk-summary-list' }, rows)
const pounds = (value) => POUNDS.format(value)
const heading = (text, id) => el('h4', { class: 'govuk-heading-s', id }, text)

function assumptions (given, names) {
  return [...names.map(([name, key, format]) => row(key, format(given[name]), `assumption.${name}`)),
    row('Where these assumptions come from', given.source || '', 'assumption.source')]
}

function contactAvoided (found) {
  return [heading('Calls avoided: an estimate', 'derived-contact'),
    list([row('Victims who linked their case (update-chasing victims)', formatNumber(found.update_chasing_victims), 'update_chasing_victims'),
      row('Calls avoided (estimate)', formatNumber(found.calls_avoided_estimate), 'calls_avoided_estimate'),
      row('Cost avoided (estimate)', pounds(found.cost_avoided_estimate_pounds), 'cost_avoided_estimate_pounds'),
      row('Handled online: case views, update requests and messages', formatNumber(found.handled_online), 'handled_online'),
      row(figureLabel('calls_recorded'), formatNumber(found.calls_recorded), 'calls_recorded'),
      ...assumptions(found.assumptions || {}, [['calls_per_update_chasing_victim', 'Calls each update-chasing victim would make', formatNumber],
        ['cost_per_call_pounds', 'Cost of one call', pounds]])])]
}

function smsCost (found) {
  return [heading('Text messages: cost', 'derived-sms'),
    list([row('Text message parts sent', formatNumber(found.segments), 'segments'),
      row('Cost (estimate)', pounds(found.cost_estimate_pounds), 'cost_estimate_pounds'),
      ...assumptions(found.assumptions || {}, [['sms_price_per_segment_pounds', 'Price of one part', pounds]])])]
}

function linkedShare (found) {
  if (!('invited_victims_who_linked' in found) && !('opt_out_rate' in found)) return []
  const shares = [['invited_victims_who_linked', 'Share of invited victims who linked'],
    ['opt_out_rate', 'Opt-out rate: victims who turned off messages the Victims\' Code does not require, as a share of victims who linked']]
  return [heading('Invited victims who linked their case, and opt-outs', 'derived-linked'),
    list(shares.filter(([name]) => name in found).map(([name, key]) => row(key, PERCENT.format(found[name]), name))),
    el('p', { class: 'govuk-body-s' }, 'Victims who first linked their case in these days, as a share of the victims first invited in them, each victim once. Over a few days it can pass 100%: some of those who link were invited earlier. The opt-out rate compares the same days\' opt-outs with their links.')]
}

function rates (found) {
  const channels = Object.keys(CHANNELS).filter((channel) => RATE_KINDS.some((kind) => `${kind}_rate_${channel}` in found))
  if (!channels.length) return []
  const numeric = { scope: 'col', class: 'govuk-table__header govuk-table__header--numeric' }
  const cell = (name) => el('td', { class: 'govuk-table__cell govuk-table__cell--numeric', 'data-rate': name },
    name in found ? PERCENT.format(found[name]) : 'none')
  const rows = channels.map((channel) => el('tr', { class: 'govuk-table__row', 'data-channel': channel },
    header(CHANNELS[channel], { scope: 'row' }), RATE_KINDS.map((kind) => cell(`${kind}_rate_${channel}`))))
  const table = el('table', { class: 'govuk-table', 'data-derived': 'rates' },
    el('caption', { class: 'govuk-table__caption govuk-table__caption--s', id: 'derived-rates-caption' }, 'Share of the messages sent on each channel'),
    el('thead', { class: 'govuk-table__head' }, el('tr', { class: 'govuk-table__row' }, header('Channel', { scope: 'col' }),
      RATE_KINDS.map((kind) => header(`${kind[0].toUpperCase()}${kind.slice(1)}`, numeric)))),
    el('tbody', { class: 'govuk-table__body' }, rows))
  return [heading('Delivery rates', 'derived-rates'),
    el('div', { class: 'app-table-scroll', role: 'region', 'aria-labelledby': 'derived-rates-caption', tabindex: '0' }, table)]
}

export function derivedSection (derived) {
  if (!derived) return null
  return el('section', { class: 'app-derived', 'aria-labelledby': 'derived-heading' },
    el('h3', { class: 'govuk-heading-m', id: 'derived-heading' }, 'Estimates and rates'),
    el('p', { class: 'govuk-body' }, 'Worked out from the figures below when the page loads. The estimates depend on the assumptions shown with them.'),
    derived.contact_avoided ? contactAvoided(derived.contact_avoided) : [],
    derived.sms_cost ? smsCost(derived.sms_cost) : [],
    derived.rates ? linkedShare(derived.rates) : [],
    derived.rates ? rates(derived.rates) : [])
}
