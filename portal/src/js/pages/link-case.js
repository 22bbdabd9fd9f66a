import { api } from '../api.js'
import { caseKey, pageFor } from '../cases.js'
import { $, busy, go, show, showErrors } from '../ui.js'
import { invitedReference } from './create-account.js'

// References are matched as the API matches them: ignoring case, spaces and separators.
const compact = (reference) => String(reference).replace(/[^A-Za-z0-9]/g, '').toUpperCase()

// From an invitation: straight to the case if it is linked already, otherwise its reference filled in.
async function fromInvitation (reference) {
  const { cases } = await api('GET', '/v1/me/cases').catch(() => ({ cases: [] }))
  const linked = cases.find((found) => compact(found.crime_reference) === compact(reference))
  if (linked) return go(pageFor('case', caseKey(linked.force_id, linked.case_id)))
  $('#crime-reference').value = reference
}

export default async function page () {
  const invited = invitedReference()
  if (invited) await fromInvitation(invited)
  const form = $('#link-form')
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const reference = $('#crime-reference').value.trim()
    const code = $('#access-code').value.trim()
    const errors = []
    if (reference.length < 4 || reference.length > 40) errors.push({ field: 'crime-reference', message: 'Enter the crime reference from the message we sent you' })
    const compact = code.replace(/[\s-]/g, '')
    if (compact.length < 8 || compact.length > 20) errors.push({ field: 'access-code', message: 'Enter the access code from the message we sent you, like 7KQ2M-XW9RT' })
    if (errors.length) return showErrors(form, errors)
    const button = form.querySelector('button')
    busy(button, true)
    try {
      const linked = await api('POST', '/v1/me/links', { crime_reference: reference, access_code: code })
      go(pageFor('case', caseKey(linked.force_id, linked.case_id)))
    } catch (error) {
      // One answer for every refusal: we never say whether the reference exists
      const message = error.type === 'urn:caseline:problem:link-refused'
        ? 'We could not add a case with this crime reference and access code. The code may be wrong, used or expired'
        : 'Sorry, there is a problem with the service. Try again later'
      showErrors(form, [{ field: 'access-code', message }])
      show($('.app-refused-help'), error.type === 'urn:caseline:problem:link-refused')
    } finally {
      busy(button, false)
    }
  })
}
