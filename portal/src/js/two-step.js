// Two-step codes from an authenticator app (TOTP), for both sign-ins: the victims' (pages/sign-in.js) and
// force staff's (staff/staff-sign-in.js). One home for the form's checks and its words.
import { showErrors, sixDigitCode, submitWhileBusy } from './ui.js'

export const ENTER_CODE = 'Enter the 6-digit code from your authenticator app'

// Why Cognito refused a code: the sign-in's session ran out (start again), or the code is wrong.
export function codeProblem (error) {
  return error.type === 'ExpiredCodeException' || error.type === 'NotAuthorizedException'
    ? 'That took too long. Go back and sign in again'
    : 'The code is not right. Enter the code your app shows now'
}

// Wires a form with a code field (`field`, its id): the 6 digits checked here, then `answer(code)` (a promise
// of Cognito's next answer) handed to `next`. Errors are shown at the field.
export function codeForm (form, field, answer, next) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const code = sixDigitCode(`#${field}`)
    if (!code) return showErrors(form, [{ field, message: ENTER_CODE }])
    await submitWhileBusy(form, async () => next(await answer(code)), (error) => ({ field, message: codeProblem(error) }))
  })
}

// An authenticator app's key as it is easier to type: groups of 4 characters.
export function spacedKey (secret) {
  return String(secret).replace(/(.{4})/g, '$1 ').trim()
}
