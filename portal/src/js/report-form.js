// Form helpers for the report's question pages: read and restore answers by input name, keep GOV.UK
// conditional reveals in step with restored answers, and place the server's 422 errors.
import { el } from './ui.js'

export function collect (form) {
  const values = {}
  for (const input of form.elements) {
    if (!input.name || input.name === 'website' || input.tagName === 'BUTTON') continue
    if (input.type === 'radio') {
      if (input.checked) values[input.name] = input.value
    } else if (input.type === 'checkbox') {
      values[input.name] = values[input.name] || []
      if (input.checked) values[input.name].push(input.value)
    } else {
      values[input.name] = input.value
    }
  }
  return values
}

export function restore (form, values) {
  for (const input of form.elements) {
    if (!input.name || !(input.name in values)) continue
    const value = values[input.name]
    if (input.type === 'radio') input.checked = value === input.value
    else if (input.type === 'checkbox') input.checked = Array.isArray(value) && value.includes(input.value)
    else if (input.tagName !== 'BUTTON') input.value = value
  }
  syncReveals(form)
}

// GOV.UK Frontend reveals a conditional when its radio or checkbox is clicked; answers restored from
// the session are set in code, so the reveals are put in step here. ARIA 1.2 does not allow
// aria-expanded on a radio button (axe-core's aria-allowed-attr), which GOV.UK Frontend sets: it is
// taken off again; the revealed question follows its radio, so it is read next.
export function syncReveals (root) {
  for (const input of root.querySelectorAll('.govuk-radios__input[aria-controls], .govuk-checkboxes__input[aria-controls]')) {
    const target = document.getElementById(input.getAttribute('aria-controls'))
    if (!target) continue
    const kind = input.type === 'radio' ? 'radios' : 'checkboxes'
    target.classList.toggle(`govuk-${kind}__conditional--hidden`, !input.checked)
    if (kind === 'checkboxes') input.setAttribute('aria-expanded', input.checked ? 'true' : 'false')
  }
  for (const radio of root.querySelectorAll('.govuk-radios__input[aria-expanded]')) radio.removeAttribute('aria-expanded')
}

// GOV.UK Frontend's own handler runs on the radios first (the event bubbles up to the form after it).
export function keepRevealsTidy (form) {
  form.addEventListener('click', () => syncReveals(form))
  syncReveals(form)
}

// The API names fields by their path in the body; each is asked on one question page
// (step → { path: the input's id, null for a page-level choice }).
const FIELDS_BY_STEP = {
  force: { force_id: null },
  what: { category: null, fraud: null },
  details: { what_happened: 'what-happened' },
  when: { occurred: 'from-day', 'occurred.from': 'from-day', 'occurred.to': 'to-day' },
  where: { location: 'location-description', 'location.description': 'location-description', 'location.postcode': 'postcode' },
  items: { items: 'item-1-description', damage: 'damage' },
  injury: { injured: 'injured-yes', injury_details: 'injury-details' },
  suspect: {
    suspect: 'suspect-known-yes', 'suspect.known': 'suspect-known-yes', 'suspect.name': 'suspect-name', 'suspect.description': 'suspect-description'
  },
  witnesses: { witnesses: 'witnesses', cctv: 'cctv-yes' },
  vehicle: { vehicle: 'vehicle' },
  you: {
    reporter: 'full-name', 'reporter.name': 'full-name', 'reporter.date_of_birth': 'dob-day', 'reporter.under_18': 'dob-day',
    'reporter.email': 'email', 'reporter.mobile': 'mobile'
  },
  needs: { 'reporter.preferred_language': 'language', 'reporter.needs': 'needs', 'reporter.wants_support': 'wants-support-yes' },
  'safe-contact': {
    safe_contact: 'safe-email', 'safe_contact.safe_channels': 'safe-email', 'safe_contact.safe_hours': 'hours-start',
    'safe_contact.may_name_police': 'may-name-police-yes', 'safe_contact.may_name_crime': 'may-name-crime-yes'
  }
}
const FIELDS = Object.fromEntries(Object.entries(FIELDS_BY_STEP)
  .flatMap(([step, fields]) => Object.entries(fields).map(([path, field]) => [path, [step, field]])))

// { field: 'reporter.email', message } → { step: 'you', field: 'email', message } (null step: the
// check page itself, for anything no question asks).
export function locate (error) {
  const path = String(error.field || '').replace(/\[(\d+)\]/g, '.$1')
  const item = path.match(/^items\.(\d+)(?:\.(description|value_pounds))?/)
  if (item) {
    const n = Number(item[1]) + 1
    return { step: 'items', field: `item-${n}-${item[2] === 'value_pounds' ? 'value' : 'description'}`, message: error.message }
  }
  const parts = path.split('.')
  while (parts.length) {
    const found = FIELDS[parts.join('.')]
    if (found) return { step: found[0], field: found[1], message: error.message }
    parts.pop()
  }
  return { step: null, field: null, message: error.message || 'Check your answers' }
}

export function errorSummary (items) {
  const summary = el('div', { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary', tabindex: '-1' },
    el('div', { role: 'alert' },
      el('h2', { class: 'govuk-error-summary__title' }, 'There is a problem'),
      el('div', { class: 'govuk-error-summary__body' },
        el('ul', { class: 'govuk-list govuk-error-summary__list' },
          items.map((item) => el('li', {}, item.href ? el('a', { href: item.href }, item.message) : item.message))))))
  return summary
}
