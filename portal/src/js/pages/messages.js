import { api } from '../api.js'
import { brandFor, rememberBranding } from '../branding.js'
import { caseFromFragment, casePath, pageFor } from '../cases.js'
import { $, busy, clearErrors, el, go, notify, show, showErrors, submitWhileBusy, when } from '../ui.js'

const DELIVERY = {
  pending: 'Sending',
  queued: 'Sending',
  delivered: 'Delivered to your officer\'s team',
  delayed: 'Delayed: we are still trying to deliver it'
}

function thread (messages) {
  if (!messages.length) return [el('li', { class: 'govuk-body' }, 'No messages yet.')]
  return messages.map((message) => {
    const officer = message.author === 'officer'
    return el('li', { class: `app-thread__message${officer ? ' app-thread__message--officer' : ''}` },
      el('h2', { class: 'govuk-heading-s govuk-!-margin-bottom-1' }, officer ? 'Your officer' : 'You',
        message.unread ? el('strong', { class: 'govuk-tag govuk-tag--blue govuk-!-margin-left-2' }, 'New') : null),
      el('p', { class: 'govuk-body-s app-thread__meta' }, when(message.at),
        !officer && message.delivery ? ` – ${DELIVERY[message.delivery] || message.delivery}` : ''),
      el('p', { class: 'govuk-body app-thread__text' }, message.text))
  })
}

export default async function page () {
  const found = caseFromFragment()
  if (!found) return go('/cases.html')
  const path = casePath(found.force_id, found.case_id)
  $('.app-back-to-case').href = pageFor('case', found.key)
  // How soon a reply can be expected, as the case says it (expected_reply: who replies, and by when);
  // nothing is promised while no officer is assigned, or once the case is closed (null then)
  let promise = []
  const load = async () => {
    const view = await api('GET', path)
    promise = view.expected_reply ? [view.expected_reply] : []
    $('.app-thread').replaceChildren(...thread(view.messages))
    $('.app-expected-reply').textContent = view.expected_reply || ''
    show($('.app-expected-reply'), Boolean(view.expected_reply))
    show($('#message-form'), view.access.scope !== 'view')  // a delegate who may only read the case
  }
  const preferences = await api('GET', `${path}/preferences`).catch(() => null)
  rememberBranding(preferences)
  await brandFor(found.force_id)
  await load()
  show($('.app-loading'), false)
  show($('.app-messages'), true)

  const form = $('#message-form')
  // One key per message written, kept while it is retried unchanged: a retry after a lost answer is the
  // same message to the API, sent to the officer once. Changed words are a new message, with a new key.
  let sending = null
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const text = $('#message').value.trim()
    if (!text) return showErrors(form, [{ field: 'message', message: 'Enter a message' }])
    if (text.length > 2000) return showErrors(form, [{ field: 'message', message: 'Your message must be 2000 characters or fewer' }])
    if (!sending || sending.text !== text) sending = { text, key: window.crypto.randomUUID() }
    await submitWhileBusy(form, async () => {
      await api('POST', `${path}/messages`, { text, idempotency_key: sending.key })
      sending = null
      clearErrors()
      $('#message').value = ''
      $('#message').dispatchEvent(new Event('input'))
      await load()
      notify($('.app-banner-slot'), { success: true, heading: 'Your message has been sent', body: promise })
    }, (error) => ({
      field: 'message',
      message: error.type === 'urn:caseline:problem:too-many-requests'
        ? 'You have sent 10 messages today. Try again tomorrow, or call 101. In danger, call 999'
        : 'Sorry, your message was not sent. Try again later'
    }))
  })

  const update = $('#update-form')
  update.addEventListener('submit', async (event) => {
    event.preventDefault()
    const button = update.querySelector('button')
    busy(button, true)
    try {
      const answer = await api('POST', `${path}/update-requests`)
      notify($('.app-banner-slot'), answer.status === 'already-requested-today'
        ? { heading: 'You have already asked for an update today', body: ['We have your request.'] }
        : { success: true, heading: 'You have asked for an update', body: promise })
    } catch {
      notify($('.app-banner-slot'), { heading: 'Sorry, your request was not sent', body: ['Try again later.'] })
    } finally {
      busy(button, false)
    }
  })
}
