// The call handler's page (call-handler.html): a force's contact centre finds a case by crime reference,
// giving a reason, and sees what each victim sees (docs/api.md#the-call-handlers-view). The reference goes
// in the POST body only, never in a URL. 401: back to staff sign-in.
import { ApiError } from './api.js'
import { apiUrl, forceDetails, loadConfig } from './config.js'
import { claims } from './session.js'
import { signInAgain, staffChrome, staffIdleTimer, staffSignedIn, staffToken } from './staff/session.js'
import { $, clearErrors, el, show, showErrors, submitWhileBusy } from './ui.js'
import { victimSection } from './call-view.js'

const FAILED = 'Sorry, there is a problem with the service. Try again later'
const CONTACT_GROUP = /^contact-(.+)$/

async function post (path, body) {
  const token = await staffToken()
  if (!token) return signInAgain()
  const config = await loadConfig()
  const response = await fetch(apiUrl(config, path), {
    method: 'POST',
    headers: { Authorization: token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store'
  })
  if (response.status === 401) return signInAgain()
  const answer = await response.json().catch(() => ({}))
  if (!response.ok) throw new ApiError(response.status, answer)
  return answer
}

// The API's 4xx as the page says it, at the field it is about.
function problem (error) {
  if (!(error instanceof ApiError)) return { field: 'call-heading', message: FAILED }
  if (error.status === 404) return { field: 'crime-reference', message: 'No case of your force has that crime reference' }
  if (error.status === 403) return { field: 'call-heading', message: 'Your account cannot look cases up' }
  if (error.status === 422 && error.problem.field === 'detail') return { field: 'detail', message: 'Say why you are looking this case up' }
  if (error.status === 422 && error.problem.field === 'force_id') return { field: 'force', message: 'Choose the force' }
  if (error.status === 422) return { field: 'crime-reference', message: 'Enter the crime reference, as the force wrote it' }
  return { field: 'call-heading', message: FAILED }
}

export default async function page () {
  if (!staffSignedIn()) return signInAgain('')
  staffChrome()
  await staffIdleTimer() // a victim's case on an unattended screen: the staff pages' time-out, as the figures'
  const service = $('.app-service-name')
  if (service) service.textContent = 'Contact centre'
  const config = await loadConfig()
  const form = $('#call-form')
  const groups = claims(await staffToken() || '')['cognito:groups'] || []
  const forces = groups.map((group) => CONTACT_GROUP.exec(group)?.[1]).filter(Boolean)
  if (!forces.length) {
    show(form, false)
    return show($('.app-no-role'), true)
  }
  const name = (id) => forceDetails(config, id).name
  form.elements.force.replaceChildren(...forces.map((id) => el('option', { value: id }, name(id))))
  show($('.app-force-choice'), forces.length > 1)
  let found = null // the case on the page: where "victim called" is recorded

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    clearErrors()
    const reference = form.elements['crime-reference'].value.trim()
    const reason = form.querySelector('input[name=reason]:checked')?.value
    const detail = form.elements.detail.value.trim()
    const errors = []
    if (!reference) errors.push({ field: 'crime-reference', message: 'Enter the crime reference' })
    if (!reason) errors.push({ field: 'reason-victim-called-for-update', message: 'Choose why you are looking this case up' })
    if (reason === 'other' && !detail) errors.push({ field: 'detail', message: 'Say why you are looking this case up' })
    if (errors.length) return showErrors(form, errors)
    show($('.app-call-case'), false)
    await submitWhileBusy(form, async () => {
      $('.app-loading').textContent = 'Finding the case…'
      const body = { crime_reference: reference, reason, detail: detail || null }
      if (forces.length > 1) body.force_id = form.elements.force.value
      found = await post('/v1/staff/case-lookups', body)
      $('.app-loading').textContent = ''
      $('#call-case-heading').textContent = `${name(found.force_id)}: crime reference ${found.crime_reference}`
      $('.app-call-recorded').textContent = ''
      show($('.app-call-record'), true)
      $('.app-victims').replaceChildren(...found.victims.map(victimSection))
      show($('.app-call-case'), true)
      $('#call-case-heading').focus()
    }, (error) => {
      $('.app-loading').textContent = ''
      return problem(error)
    })
  })

  $('.app-record-call').addEventListener('click', async () => {
    await submitWhileBusy($('.app-call-record'), async () => {
      const cases = `/v1/staff/cases/${encodeURIComponent(found.force_id)}/${encodeURIComponent(found.case_id)}`
      await post(`${cases}/calls`, {})
      show($('.app-call-record'), false)
      $('.app-call-recorded').textContent = 'Recorded: the victim called for an update.'
    }, () => ({ field: 'call-heading', message: FAILED }))
  })
}
