// Safety alerts on the case page: news about the suspect (released, bailed, bail changed) that we ask the
// victim to confirm they have seen. A message's link opens the page at the alert (#alert=<opaque id>):
// the id names nobody, stays in the browser, and is swapped for the tab's own case key here.
import { api } from './api.js'
import { caseKey, casePath, pageFor } from './cases.js'
import { $, busy, el, notify, when } from './ui.js'

const ALERT_FRAGMENT = /^#alert=([0-9a-f]{20})$/

export function alertFromFragment () {
  const match = window.location.hash.match(ALERT_FRAGMENT)
  return match ? match[1] : null
}

// The linked case that holds the alert (most victims have one case: one read), or null.
export async function caseForAlert (alertId) {
  const { cases } = await api('GET', '/v1/me/cases')
  for (const found of cases) {
    const view = await api('GET', casePath(found.force_id, found.case_id))
    if (view.alerts.some((alert) => alert.alert_id === alertId)) {
      const key = caseKey(found.force_id, found.case_id)
      window.history.replaceState(null, '', pageFor('case', key))
      return { force_id: found.force_id, case_id: found.case_id, key }
    }
  }
  return null
}

function alertItem (path, alert, onConfirmed) {
  const button = el('button', { type: 'button', class: 'govuk-button govuk-!-margin-bottom-0', 'data-module': 'govuk-button' },
    'I have seen this', el('span', { class: 'govuk-visually-hidden' }, `: ${alert.title}`))
  button.addEventListener('click', async () => {
    busy(button, true)
    try {
      await api('POST', `${path}/alerts/${alert.alert_id}/acknowledgement`)
    } catch {
      busy(button, false)
      notify($('.app-alerts-banner-slot'), { heading: 'Sorry, we could not record that. Try again later.' })
      return
    }
    onConfirmed(alert)
  })
  // The title is the timeline's already: here, when we told them, so the page says each thing once
  return el('li', { class: 'app-alerts__item', id: `alert-${alert.alert_id}`, tabindex: '-1' },
    el('p', { class: 'govuk-body' }, `News about the suspect, sent on ${when(alert.raised_at)}`),
    button)
}

// Unconfirmed alerts first on the page, each with its button.
export function alertsSection (path, view) {
  const section = $('.app-alerts')
  const open = view.alerts.filter((alert) => !alert.acknowledged_at)
  const confirmed = (alert) => {
    const remaining = section.querySelectorAll('.app-alerts__item').length - 1
    section.querySelector(`#alert-${alert.alert_id}`).remove()
    notify($('.app-alerts-banner-slot'), {
      success: true,
      heading: 'Thank you for telling us you have seen this',
      body: ['If you have questions about it, send us a message.']
    })
    if (!remaining) $('.app-alerts-list').replaceChildren()
  }
  $('.app-alerts-list').replaceChildren(...open.map((alert) => alertItem(path, alert, confirmed)))
  section.hidden = open.length === 0
}

// Once the page shows: focus on the alert the message's link named, if it is still waiting.
export function focusAlert (alertId) {
  const target = alertId && document.getElementById(`alert-${alertId}`)
  if (target) target.focus()
}
