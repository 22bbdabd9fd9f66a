// "Your reports" (signed in): each report sent online with where it stands: sent, received by the
// force, recorded as a crime (with its reference and a link to the case) or not recorded (why, and
// where to go instead).
import { api } from './api.js'
import { caseKey, pageFor } from './cases.js'
import { categoryLabel } from './report-categories.js'
import { $, el, show, when } from './ui.js'

const STATUS = {
  submitted: ['Sent', 'govuk-tag--grey'],
  received: ['Received by the police', 'govuk-tag--blue'],
  recorded: ['Recorded as a crime', 'govuk-tag--green'],
  'not-recorded': ['Not recorded as a crime', 'govuk-tag--orange']
}

function summaryRow (key, ...value) {
  return el('div', { class: 'govuk-summary-list__row' },
    el('dt', { class: 'govuk-summary-list__key' }, key),
    el('dd', { class: 'govuk-summary-list__value' }, ...value))
}

function card (report) {
  const [label, colour] = STATUS[report.status] || [report.status, 'govuk-tag--grey']
  const rows = [
    summaryRow('Report reference', report.report_reference),
    summaryRow('Sent', when(report.submitted_at)),
    summaryRow('Status', el('strong', { class: `govuk-tag ${colour}` }, label))
  ]
  if (report.status === 'recorded' && report.crime_reference) {
    rows.push(summaryRow('Crime reference', report.crime_reference))
  }
  if (report.status === 'not-recorded') {
    if (report.reason) rows.push(summaryRow('Why', report.reason))
    if (report.where_to_go) rows.push(summaryRow('Where to go instead', report.where_to_go))
  }
  const link = report.case
    ? el('p', { class: 'govuk-body' }, el('a', { class: 'govuk-link', href: pageFor('case', caseKey(report.case.force_id, report.case.case_id)) }, 'Go to your case'))
    : null
  return el('div', { class: 'app-case-card app-report-card' },
    el('h2', { class: 'govuk-heading-m' }, categoryLabel(report.category)),
    el('dl', { class: 'govuk-summary-list govuk-summary-list--no-border' }, rows),
    link)
}

export default async function page () {
  const { reports } = await api('GET', '/v1/me/reports')
  const sorted = [...reports].sort((a, b) => String(b.submitted_at).localeCompare(String(a.submitted_at)))
  $('.app-report-list').replaceChildren(...sorted.map(card))
  show($('.app-loading'), false)
  show($('.app-no-reports'), reports.length === 0)
}
