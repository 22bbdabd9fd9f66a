// "Check your answers": every answer with a Change link back to its question, then one submission.
// The idempotency key was made once for this report, so a double click, a retry or a resubmission
// after Back all give the same report; the button is disabled while the report is being sent.
import { ApiError, api } from './api.js'
import { draft, finish, firstUnanswered, pageOf, setServerErrors, stepsFor } from './report-flow.js'
import { errorSummary, locate } from './report-form.js'
import { STEP_SPECS, givenChannels } from './report-steps.js'
import { signedIn } from './session.js'
import { $, busy, el, go, inSentence, notify, setTitle } from './ui.js'

const SECTIONS = [
  ['The crime', ['what', 'force', 'details', 'when', 'where']],
  ['What happened to you', ['items', 'injury', 'suspect', 'witnesses', 'vehicle']],
  ['About you', ['you', 'needs']],
  ['How we contact you', ['safe-contact']]
]

const CHANNEL_WORDS = { email: 'email', sms: 'text message' }

export function reportBody (forces) {
  const current = draft()
  const given = current.answers
  const ctx = { forces, channels: givenChannels(given.you || {}) }
  const body = {
    force_id: null,
    idempotency_key: current.idempotencyKey,
    website: '',
    reporter: {}
  }
  for (const step of stepsFor(forces)) STEP_SPECS[step].apply(given[step] || {}, body, ctx)
  return body
}

function row (key, value, step, errors) {
  const own = errors.filter((e) => e.step === step)
  return el('div', { class: 'govuk-summary-list__row' },
    el('dt', { class: 'govuk-summary-list__key' }, key),
    el('dd', { class: 'govuk-summary-list__value' },
      own.map((e) => el('p', { class: 'govuk-error-message' }, el('span', { class: 'govuk-visually-hidden' }, 'Error:'), ` ${e.message}`)),
      el('span', { class: 'app-answer' }, value)),
    el('dd', { class: 'govuk-summary-list__actions' },
      el('a', { class: 'govuk-link', href: `${pageOf(step)}#change` }, 'Change', el('span', { class: 'govuk-visually-hidden' }, ` ${inSentence(key)}`))))
}

function render (forces) {
  const current = draft()
  const errors = current.serverErrors || []
  const ctx = { forces, channels: givenChannels(current.answers.you || {}) }
  const steps = stepsFor(forces)
  const sections = SECTIONS.map(([heading, names]) => {
    const rows = names.filter((step) => steps.includes(step)).flatMap((step) =>
      STEP_SPECS[step].rows(current.answers[step] || {}, ctx).map(([key, value], i) => row(key, value, step, i === 0 ? errors : [])))
    return [el('h2', { class: 'govuk-heading-m' }, heading), el('dl', { class: 'govuk-summary-list govuk-!-margin-bottom-9' }, rows)]
  })
  $('.app-answers').replaceChildren(...sections.flat())
  const slot = $('.app-error-summary-slot')
  if (errors.length) {
    slot.replaceChildren(errorSummary(errors.map((e) => ({ message: e.message, href: e.step ? `${pageOf(e.step)}#change` : null }))))
    setTitle(document.body.dataset.title, { error: true })
    slot.firstChild.focus()
  } else {
    slot.replaceChildren()
    setTitle(document.body.dataset.title)
  }
}

function problemBanner (heading, body) {
  notify($('.app-banner-slot'), { heading, body })
}

export default async function page (name, forces) {
  const missing = firstUnanswered(forces)
  if (missing) return go(pageOf(missing))
  render(forces)
  const form = $('#report-form')
  const button = form.querySelector('button[type=submit]')
  let submitting = false
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (submitting) return
    submitting = true
    busy(button, true)
    const body = reportBody(forces)
    body.website = $('#website').value
    const signed = signedIn()
    try {
      const answer = await api('POST', signed ? '/v1/me/reports' : '/v1/reports', body, { auth: signed })
      const channel = (body.safe_contact.safe_channels || [])[0]
      finish({ reference: answer.report_reference, channel: CHANNEL_WORDS[channel] || null, signedIn: signed })
      go('/report-sent.html')
      return
    } catch (error) {
      const problem = error instanceof ApiError ? error : null
      if (problem && problem.type === 'urn:caseline:problem:report-elsewhere') return go('/report-fraud.html')
      if (problem && problem.status === 422 && Array.isArray(problem.problem.errors)) {
        setServerErrors(problem.problem.errors.map(locate))
        render(forces)
      } else if (problem && problem.status === 429) {
        problemBanner('You have sent several reports in a short time', ['Wait an hour and try again, or call 101 to report it now. In an emergency, call 999.'])
      } else if (problem && problem.status === 413) {
        problemBanner('Your report is too long to send', ['Make your answers shorter and try again, or call 101 to report it.'])
      } else {
        problemBanner('Sorry, your report was not sent', ['Your answers are saved in this browser tab. Try again in a few minutes, or call 101.'])
      }
    }
    submitting = false
    busy(button, false)
  })
}
