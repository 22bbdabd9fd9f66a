// The Victims' Right to Review on the case page: after a decision not to take the case further, an offer
// to ask for a review (reasons optional) while the window is open; once asked, where the request stands
// (requested, received, decided). The API decides what carries the right and until when (docs/journeys.md).
import { api } from './api.js'
import { $, el, notify, show, submitWhileBusy, when } from './ui.js'

const MAX_REASONS = 1500
const DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }) // YYYY-MM-DD
const TAGS = { requested: 'Requested', acknowledged: 'Received', decided: 'Decided' }
const RESULTS = {
  upheld: 'The person who looked at it again agreed with the decision, so it stays the same.',
  'not-upheld': 'The person who looked at it again did not agree with the decision. We will look at your case again and tell you what happens next.'
}

// A date the API gives as YYYY-MM-DD, as the victim reads dates ("Friday 15 January 2027"): no comma
// after the day's name, which Intl puts there for en-GB
export function day (iso) {
  const parts = DAY.formatToParts(new Date(`${iso}T12:00:00Z`))
  return ['weekday', 'day', 'month', 'year'].map((type) => parts.find((p) => p.type === type).value).join(' ')
}

// Past its day (UK time): the page says so rather than promise a date that has gone
function late (iso) {
  return iso < TODAY.format(new Date())
}

function lines (request) {
  const said = [`You asked for a review on ${when(request.requested_at)}.`]
  if (request.acknowledged_at) said.push(`We confirmed we have your request on ${when(request.acknowledged_at)}.`)
  if (request.acknowledge_by) {
    said.push(late(request.acknowledge_by)
      ? `We should have confirmed we have your request by ${day(request.acknowledge_by)}. We are sorry it is late.`
      : `We will confirm we have your request by ${day(request.acknowledge_by)}.`)
  }
  if (request.decide_by) {
    said.push(late(request.decide_by)
      ? `We should have told you the result by ${day(request.decide_by)}. We are sorry it is late.`
      : `We will tell you the result by ${day(request.decide_by)}.`)
  }
  if (request.state === 'decided') {
    said.push(`The review was finished on ${when(request.decided_at)}.`, RESULTS[request.decision] || '',
      'If you are still unhappy with the decision, you may be able to ask the High Court for a judicial review. A solicitor or Victim Support can explain how.')
  }
  return said.filter(Boolean).map((text) => el('p', { class: 'govuk-body' }, text))
}

function showRequest (request) {
  $('#review-heading').textContent = 'Your request for a review'
  $('.app-review-tag').textContent = TAGS[request.state]
  $('.app-review-lines').replaceChildren(...lines(request))
  show($('.app-review-offer'), false)
  show($('.app-review-status'), true)
}

function problem (error) {
  if (error.status === 422) return { field: 'review-reasons', message: `Reasons must be ${MAX_REASONS} characters or fewer` }
  if (error.status === 409) return { field: 'review-reasons', message: 'You can no longer ask for a review online. Call 101 to ask us.' }
  return { field: 'review-reasons', message: 'Sorry, we could not send your request. Try again later.' }
}

function offer (path, review) {
  $('.app-review-until').textContent = `You can ask until ${day(review.open_until)}.`
  show($('.app-review-cps'), review.scheme === 'cps')
  show($('.app-review-offer'), true)
  const form = $('#review-form')
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const reasons = $('#review-reasons').value.trim()
    submitWhileBusy(form, async () => {
      if (reasons.length > MAX_REASONS) throw Object.assign(new Error('too long'), { status: 422 })
      const request = await api('POST', `${path}/review-request`, { reasons: reasons || null })
      showRequest(request)
      notify($('.app-review-banner-slot'), {
        success: true,
        heading: 'We have sent your request for a review',
        body: ['We will confirm we have it, and tell you the result, by the dates below.']
      })
    }, problem)
  })
}

export function reviewSection (path, view) {
  const review = view.review
  show($('.app-review'), Boolean(review))
  if (!review) return
  if (review.request) showRequest(review.request)
  else offer(path, review)
}
