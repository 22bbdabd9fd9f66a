// Small DOM helpers: page titles, GOV.UK error summaries and inline errors, navigation without
// history entries, and text-only rendering (API text is never inserted as HTML).
import { documentTitle, neutralPath } from './neutral.js'
import { clock } from './safe-hours.js'
import { read } from './storage.js'

// Neutral mode: a case's safe-contact profile says not to name the police (branding.js). The tab's title
// and the addresses it visits then name no crime, police or support (neutral.js).
export function neutralMode () {
  return Boolean(read('neutral'))
}

export function setTitle (title, { error = false } = {}) {
  document.body.dataset.title = title
  document.title = documentTitle(title, { neutral: neutralMode(), error })
}

// Portal pages replace one another in the tab's history, so Back never walks through the portal
// and the quick exit (which replaces the current entry) leaves nothing of it behind.
export function go (path) {
  window.location.replace(neutralMode() ? neutralPath(path) : path)
}

export function el (tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue
    if (name === 'class') node.className = value
    else if (name === 'text') node.textContent = value
    else node.setAttribute(name, value === true ? '' : value)
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return node
}

export function $ (selector, root = document) {
  return root.querySelector(selector)
}

export function show (node, visible = true) {
  if (node) node.hidden = !visible
}

export function clearErrors (root = document) {
  root.querySelectorAll('.app-error-summary-slot').forEach((slot) => slot.replaceChildren())
  root.querySelectorAll('.govuk-form-group--error').forEach((group) => group.classList.remove('govuk-form-group--error'))
  root.querySelectorAll('.govuk-error-message[data-app-error]').forEach((message) => message.remove())
  root.querySelectorAll('[data-app-described]').forEach((input) => {
    input.classList.remove('govuk-input--error', 'govuk-textarea--error', 'govuk-select--error')
    const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => !id.endsWith('-error'))
    if (ids.length) input.setAttribute('aria-describedby', ids.join(' '))
    else input.removeAttribute('aria-describedby')
    input.removeAttribute('data-app-described')
  })
  setTitle(document.body.dataset.title || document.title)
}

// errors: [{ field: 'input-id', message: 'Enter …' }]; the summary goes into the form's
// .app-error-summary-slot (or the page's first one), each message also next to its field.
export function showErrors (form, errors) {
  clearErrors(document)
  const slot = form.querySelector('.app-error-summary-slot') || document.querySelector('.app-error-summary-slot')
  const list = el('ul', { class: 'govuk-list govuk-error-summary__list' },
    errors.map((e) => el('li', {}, el('a', { href: `#${e.field}` }, e.message))))
  const summary = el('div', { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary', tabindex: '-1' },
    el('div', { role: 'alert' },
      el('h2', { class: 'govuk-error-summary__title' }, 'There is a problem'),
      el('div', { class: 'govuk-error-summary__body' }, list)))
  slot.append(summary)
  for (const error of errors) {
    const input = document.getElementById(error.field)
    if (!input) continue
    const group = input.closest('.govuk-form-group')
    if (group) group.classList.add('govuk-form-group--error')
    const id = `${error.field}-error`
    const message = el('p', { class: 'govuk-error-message', id, 'data-app-error': true },
      el('span', { class: 'govuk-visually-hidden' }, 'Error:'), ` ${error.message}`)
    const choices = input.closest('.govuk-radios, .govuk-checkboxes')
    ;(choices || input).before(message)
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(input.tagName) && !['radio', 'checkbox'].includes(input.type)) {
      const kind = input.tagName === 'TEXTAREA' ? 'textarea' : input.tagName === 'SELECT' ? 'select' : 'input'
      input.classList.add(`govuk-${kind}--error`)
    }
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), id].filter(Boolean).join(' '))
    input.setAttribute('data-app-described', '')
  }
  setTitle(document.body.dataset.title, { error: true })
  summary.focus()
  // Links in the summary move focus to the field (GOV.UK Frontend's behaviour, without a history entry)
  summary.addEventListener('click', (event) => {
    const link = event.target.closest('a')
    if (!link) return
    event.preventDefault()
    const target = document.getElementById(link.getAttribute('href').slice(1))
    if (target) { target.scrollIntoView({ block: 'center' }); target.focus() }
  })
}

// A banner for an outcome that is not about one field (success, or a service problem).
export function notify (slot, { title, heading, body = [], success = false }) {
  const id = `banner-${Math.random().toString(36).slice(2, 8)}`
  const banner = el('div', {
    class: `govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}`,
    role: success ? 'alert' : 'region',
    'aria-labelledby': id,
    tabindex: '-1'
  },
  el('div', { class: 'govuk-notification-banner__header' },
    el('h2', { class: 'govuk-notification-banner__title', id }, title || (success ? 'Success' : 'Important'))),
  el('div', { class: 'govuk-notification-banner__content' },
    el('p', { class: 'govuk-notification-banner__heading' }, heading),
    body.map((text) => el('p', { class: 'govuk-body' }, text))))
  slot.replaceChildren(banner)
  banner.focus()
  return banner
}

// The page could not get what it needs from the service (an error, no connection, or no answer in time):
// in place of its "Loading…" text (or at the top of the page), a GOV.UK error summary that says so, is
// announced and focused, offers to try again (reloading the page) and says whom to call meanwhile.
export function showServiceProblem () {
  const main = document.querySelector('main') || document.body
  document.querySelectorAll('.app-service-problem').forEach((node) => node.remove())
  const loading = [...document.querySelectorAll('.app-loading')]
  const visibleHeading = [...main.querySelectorAll('h1')].some((h1) => h1.getClientRects().length > 0)
  const again = el('button', { type: 'button', class: 'govuk-button govuk-button--secondary govuk-!-margin-bottom-0', 'data-module': 'govuk-button' }, 'Try again')
  again.addEventListener('click', () => window.location.reload())
  const summary = el('div', { class: 'govuk-error-summary app-service-problem', tabindex: '-1' },
    el('div', { role: 'alert' },
      el(visibleHeading ? 'h2' : 'h1', { class: 'govuk-error-summary__title' }, 'Sorry, there is a problem with the service'),
      el('div', { class: 'govuk-error-summary__body' },
        el('p', { class: 'govuk-body' }, 'We could not load this page just now. Check you are connected to the internet, then try again.'),
        el('p', { class: 'govuk-body' }, 'If you need to speak to someone about your case, call 101. If you are in danger, call 999.'))),
    again)
  const shown = loading.find((node) => !node.hidden)
  const slot = main.querySelector('.app-error-summary-slot')
  if (shown) shown.before(summary)
  else if (slot) slot.replaceChildren(summary)
  else main.prepend(summary)
  loading.forEach((node) => show(node, false))
  setTitle(document.body.dataset.title, { error: true })
  summary.focus()
  return summary
}

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' })
const TIME = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: 'numeric', hourCycle: 'h23', timeZone: 'Europe/London' })

// A moment as GOV.UK writes it (UK time): "7 December 2026 at 10am", "… at 5:30pm", "… at midday".
export function when (iso) {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const part = (type) => Number(TIME.formatToParts(date).find((p) => p.type === type).value)
  return `${DATE.format(date)} at ${clock({ hour: part('hour'), minute: part('minute') })}`
}

export const STAGE_LABELS = {
  reported: 'Reported',
  'officer-assigned': 'Officer assigned',
  investigating: 'Being investigated',
  outcome: 'Outcome decided',
  closed: 'Case closed'
}

export function stageLabel (stage) {
  return STAGE_LABELS[stage] || stage
}

export function busy (button, on) {
  if (!button) return
  button.disabled = on
  button.setAttribute('aria-disabled', on ? 'true' : 'false')
}

// Submits a form's action with its button busy. When the action throws, failed(error) gives the
// { field, message } to show, or null when it has dealt with the error itself.
export async function submitWhileBusy (form, action, failed) {
  const button = form.querySelector('button')
  busy(button, true)
  try {
    await action()
  } catch (error) {
    const shown = failed(error)
    if (shown) showErrors(form, [shown])
  } finally {
    busy(button, false)
  }
}

// The 6-digit code typed into the field (spaces ignored), or null if it is not 6 digits.
export function sixDigitCode (selector) {
  const code = $(selector).value.replace(/\s/g, '')
  return /^\d{6}$/.test(code) ? code : null
}

// Channels in a sentence: "Email and text message" (capitals only where a sentence starts).
const CHANNEL_NAMES = { email: 'email', sms: 'text message' }
export function channelList (list) {
  const text = list.map((c) => CHANNEL_NAMES[c] || c).join(' and ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

// A label inside a sentence ("Change cctv or video" is wrong): its first letter in lower case, unless it
// starts with an abbreviation such as CCTV.
export function inSentence (label) {
  return /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1)
}

// A page's next step: its heading takes the focus, so a screen reader reads on from there (what the step
// explains comes before its first field).
export function focusHeading (root) {
  const heading = root.querySelector('h1')
  heading.setAttribute('tabindex', '-1')
  heading.focus()
}
