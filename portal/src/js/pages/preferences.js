import { api } from '../api.js'
import { brandFor, rememberBranding } from '../branding.js'
import { caseFromFragment, casePath, pageFor } from '../cases.js'
import { hhmmss, parseTime } from '../report-values.js'
import { fromApi, safeHoursSentence } from '../safe-hours.js'
import { write } from '../storage.js'
import { $, busy, clearErrors, el, go, notify, show, showErrors } from '../ui.js'

function hhmm (value) {
  return value ? value.slice(0, 5) : ''
}

// The sentence under the times says what the boxes mean as the victim types (nothing when unfinished).
function summarise () {
  const start = parseTime($('#hours-start').value)
  const end = parseTime($('#hours-end').value)
  const none = start === 'missing' && end === 'missing'
  const whole = typeof start === 'object' && typeof end === 'object' && hhmmss(start) !== hhmmss(end)
  $('#hours-summary').textContent = none ? safeHoursSentence(null, null) : whole ? safeHoursSentence(start, end) : ''
  show($('#hours-summary'), none || whole)
}

function fill (yours) {
  $('#channel-email').checked = yours.channels.includes('email')
  $('#channel-sms').checked = yours.channels.includes('sms')
  const noNews = yours.no_news_days === null ? 'never' : String(yours.no_news_days)
  const radio = document.querySelector(`input[name="no-news"][value="${noNews}"]`)
  if (radio) radio.checked = true
  $('#hours-start').value = hhmm(yours.safe_hours && yours.safe_hours.start)
  $('#hours-end').value = hhmm(yours.safe_hours && yours.safe_hours.end)
  $('#hide-police').checked = !yours.name_police
  $('#hide-crime').checked = !yours.name_crime
  $('#opt-out').checked = !yours.non_statutory
}

const LABELS = {
  channels: 'how we contact you',
  name_police: 'mentioning the police',
  name_crime: 'mentioning the crime',
  safe_hours: 'the times we may contact you'
}

export default async function page () {
  const found = caseFromFragment()
  if (!found) return go('/cases.html')
  const path = `${casePath(found.force_id, found.case_id)}/preferences`
  $('.app-back-to-case').href = pageFor('case', found.key)
  const current = await api('GET', path)
  rememberBranding(current)
  await brandFor(found.force_id)
  fill(current.yours)
  summarise()
  for (const box of ['#hours-start', '#hours-end']) $(box).addEventListener('input', summarise)
  show($('.app-loading'), false)
  const form = $('#preferences-form')
  show(form, true)

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const channels = ['email', 'sms'].filter((c) => $(`#channel-${c}`).checked)
    const start = parseTime($('#hours-start').value)
    const end = parseTime($('#hours-end').value)
    const errors = []
    if (!channels.length) errors.push({ field: 'channel-email', message: 'Select at least one way we can contact you' })
    let safeHours = null
    if (start !== 'missing' || end !== 'missing') {
      if (typeof start !== 'object') errors.push({ field: 'hours-start', message: 'Enter the time we may start sending messages, like 07:00' })
      if (typeof end !== 'object') errors.push({ field: 'hours-end', message: 'Enter the time we must stop sending messages, like 22:00' })
      const whole = typeof start === 'object' && typeof end === 'object'
      if (whole && hhmmss(start) === hhmmss(end)) errors.push({ field: 'hours-end', message: 'The time we must stop must be different from the time we may start' })
      safeHours = whole ? { start: hhmmss(start), end: hhmmss(end) } : null
    }
    if (errors.length) return showErrors(form, errors)
    const noNews = (document.querySelector('input[name="no-news"]:checked') || {}).value || '28'
    const body = {
      channels,
      name_police: !$('#hide-police').checked,
      name_crime: !$('#hide-crime').checked,
      safe_hours: safeHours,
      no_news_days: noNews === 'never' ? null : Number(noNews),
      language: current.yours.language || 'en',
      non_statutory: !$('#opt-out').checked
    }
    const button = form.querySelector('button')
    busy(button, true)
    try {
      const saved = await api('PUT', path, body)
      clearErrors()
      if (saved.in_effect && saved.in_effect.may_name_police === false) write('neutral', true)
      rememberBranding(saved)
      await brandFor(found.force_id)
      const waiting = Object.keys(saved.waiting_for_the_force || {}).map((key) => LABELS[key] || key)
      const hours = saved.in_effect.safe_hours
      const banner = notify($('.app-banner-slot'), {
        success: true,
        heading: 'Your choices have been saved',
        body: [
          waiting.length ? `We have asked your officer to agree to the change to ${waiting.join(' and ')}, because it is less private than what they agreed. Until then, we keep to what they agreed.` : 'They apply to every message from now on.',
          hours ? safeHoursSentence(fromApi(hours.start), fromApi(hours.end)) : safeHoursSentence(null, null)
        ]
      })
      banner.querySelector('.govuk-notification-banner__content').append(
        el('p', { class: 'govuk-body' }, el('a', { class: 'govuk-notification-banner__link', href: pageFor('case', found.key) }, 'Back to your case')))
    } catch {
      notify($('.app-banner-slot'), { heading: 'Sorry, your choices were not saved', body: ['Try again later.'] })
    } finally {
      busy(button, false)
    }
  })
}
