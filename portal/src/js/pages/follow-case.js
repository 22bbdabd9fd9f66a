import { api } from '../api.js'
import { caseKey, pageFor } from '../cases.js'
import { $, go, showErrors, submitWhileBusy } from '../ui.js'

// One answer for every refusal: the page never says whether a code existed or was used.
const REFUSED = 'We could not give you access with this code. It may be wrong, used or expired: ask the person who gave it to you for a new one'

export default async function page () {
  const form = $('#follow-form')
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const code = $('#invitation-code').value.trim()
    if (code.replace(/[\s-]/g, '').length !== 16) {
      return showErrors(form, [{ field: 'invitation-code', message: 'Enter the 16 letters and numbers of the invitation code, like 7KQ4-M2XD-9HBT-RW3C' }])
    }
    await submitWhileBusy(form, async () => {
      const found = await api('POST', '/v1/me/delegations', { code })
      go(pageFor('case', caseKey(found.force_id, found.case_id)))
    }, (error) => ({
      field: 'invitation-code',
      message: error.type === 'urn:caseline:problem:invitation-refused' ? REFUSED : 'Sorry, there is a problem with the service. Try again later'
    }))
  })
}
