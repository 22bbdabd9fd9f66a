import { api } from '../api.js'
import { mayNameCrime, rememberBranding } from '../branding.js'
import { caseKey, casePath, pageFor } from '../cases.js'
import { forceDetails, loadConfig } from '../config.js'
import { read } from '../storage.js'
import { $, el, show, stageLabel, when } from '../ui.js'

export default async function page () {
  const config = await loadConfig()
  const { cases } = await api('GET', '/v1/me/cases')
  // Every case's profile, read together: one that may not name the police makes the whole tab neutral
  const profiles = await Promise.all(cases.map((found) =>
    api('GET', `${casePath(found.force_id, found.case_id)}/preferences`).catch(() => null)))
  for (const profile of profiles) rememberBranding(profile)
  const neutral = Boolean(read('neutral'))
  const list = $('.app-case-list')
  list.replaceChildren(...cases.map((found, index) => {
    const key = caseKey(found.force_id, found.case_id)
    const force = forceDetails(config, found.force_id)
    const name = mayNameCrime(profiles[index]) ? found.category_label : `Case ${index + 1}`  // numbered, not named
    const title = neutral || !force.known ? name : `${name} – ${force.name}`
    const rows = [
      ['Stage', stageLabel(found.stage)],
      ['Last update', when(found.updated_at)]
    ]
    if (!neutral) rows.unshift(['Crime reference', found.crime_reference])
    return el('div', { class: 'app-case-card' },
      el('h2', { class: 'govuk-heading-m' }, el('a', { class: 'govuk-link', href: pageFor('case', key) }, title)),
      found.unread ? el('p', { class: 'govuk-body' }, el('strong', { class: 'govuk-tag govuk-tag--blue' }, `${found.unread} new message${found.unread === 1 ? '' : 's'}`)) : null,
      el('dl', { class: 'govuk-summary-list govuk-summary-list--no-border' },
        rows.map(([key, value]) => el('div', { class: 'govuk-summary-list__row' },
          el('dt', { class: 'govuk-summary-list__key' }, key),
          el('dd', { class: 'govuk-summary-list__value' }, value)))))
  }))
  show($('.app-loading'), false)
  show($('.app-no-cases'), cases.length === 0)
}
