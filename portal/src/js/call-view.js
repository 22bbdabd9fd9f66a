// The call handler's view of one victim (call-handler.html): what the victim sees of their case and every
// message sent to them, from POST /v1/staff/case-lookups (docs/api.md). Text only: nothing from the API
// is inserted as HTML.
import { el, stageLabel, when } from './ui.js'

const STATUS = { sent: 'Sent', pending: 'Waiting to send', sending: 'Sending', deferred: 'Held until a safe time', blocked: 'Not sent: not safe', failed: 'Failed', skipped: 'Not sent' }

function summaryRow (key, value) {
  return el('div', { class: 'govuk-summary-list__row' },
    el('dt', { class: 'govuk-summary-list__key' }, key),
    el('dd', { class: 'govuk-summary-list__value' }, value || '–'))
}

// A table in a focusable scrolling region, so it never widens the page at 320 px.
function table (caption, heads, rows, empty) {
  if (!rows.length) return el('div', {}, el('h4', { class: 'govuk-heading-s govuk-!-margin-bottom-1' }, caption), el('p', { class: 'govuk-body' }, empty))
  const region = el('div', { class: 'app-table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    el('table', { class: 'govuk-table' },
      el('caption', { class: 'govuk-table__caption govuk-table__caption--s' }, caption),
      el('thead', { class: 'govuk-table__head' }, el('tr', { class: 'govuk-table__row' },
        heads.map((head) => el('th', { class: 'govuk-table__header', scope: 'col' }, head)))),
      el('tbody', { class: 'govuk-table__body' }, rows.map((cells) => el('tr', { class: 'govuk-table__row' },
        cells.map((cell) => el('td', { class: 'govuk-table__cell' }, cell)))))))
  return region
}

function messageRow (message) {
  const variant = message.rendered_template && message.rendered_template !== message.template_id
  const template = variant ? `${message.rendered_template} (instead of ${message.template_id})` : message.template_id
  return [when(message.sent_at || message.created_at), template, message.channel === 'sms' ? 'Text' : 'Email',
    STATUS[message.status] || message.status, message.delivery || message.reason || '']
}

export function victimSection (victim, index) {
  const view = victim.view
  const id = `victim-${index}`
  return el('section', { class: 'app-victim', 'aria-labelledby': id, 'data-victim': victim.victim_id },
    el('h3', { class: 'govuk-heading-m', id }, victim.name),
    el('dl', { class: 'govuk-summary-list' },
      summaryRow('Stage', stageLabel(view.stage)),
      summaryRow('What is happening now', view.now),
      summaryRow('What happens next', view.next_steps),
      summaryRow('Next date', view.next_date?.text),
      summaryRow('Officer', view.officer ? [view.officer.name, view.officer.team_contact].filter(Boolean).join(', ') : 'None yet'),
      summaryRow('Support level', view.tier === 'enhanced' ? 'Enhanced' : 'Standard')),
    el('div', { 'data-table': 'timeline' }, table(`What ${victim.name} sees happened`, ['When', 'What happened', 'Detail'],
      view.timeline.map((entry) => [when(entry.at), entry.title, entry.detail || '']), 'Nothing has happened yet.')),
    el('div', { 'data-table': 'thread' }, table(`Messages between ${victim.name} and the officer`, ['When', 'From', 'Message'],
      view.messages.map((m) => [when(m.at), m.author === 'you' ? victim.name : 'Officer', m.text]), 'No messages yet.')),
    el('div', { 'data-table': 'sent' }, table(`Messages we sent ${victim.name}`, ['When', 'Message', 'By', 'Status', 'Delivery'],
      victim.messages_sent.map(messageRow), 'We have sent no messages yet.')))
}
