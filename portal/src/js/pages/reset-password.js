import { cognito } from '../cognito.js'
import { loadConfig } from '../config.js'
import { $, busy, clearErrors, focusHeading, go, setTitle, show, showErrors } from '../ui.js'
import { emailError, PASSWORD_MIN_LENGTH, PASSWORD_RULE } from './create-account.js'

export default async function page () {
  const config = await loadConfig()
  document.querySelectorAll('.app-local-only').forEach((node) => show(node, config.local))
  const requestForm = $('#request-form')
  const resetForm = $('#reset-form')
  let email = ''

  requestForm.addEventListener('submit', async (event) => {
    event.preventDefault()
    email = $('#email').value.trim()
    const bad = emailError(email)
    if (bad) return showErrors(requestForm, [{ field: 'email', message: bad }])
    const button = requestForm.querySelector('button')
    busy(button, true)
    try {
      await cognito('ForgotPassword', { Username: email })
    } catch {
      // Enumeration-safe: the next step reads the same whether the account exists, can be reset by email,
      // or (a high-risk victim's, recovered only through the force) is refused by Cognito
    } finally {
      busy(button, false)
    }
    clearErrors() // the first step's errors are answered: none of them is about the next step
    show(requestForm, false)
    show(resetForm, true)
    setTitle('Check your email')
    focusHeading(resetForm)
  })

  resetForm.addEventListener('submit', async (event) => {
    event.preventDefault()
    const code = $('#code').value.replace(/\s/g, '')
    const password = $('#password').value
    const errors = []
    if (!/^\d{6}$/.test(code)) errors.push({ field: 'code', message: 'Enter the 6-digit code from the email' })
    if (password.length < PASSWORD_MIN_LENGTH) errors.push({ field: 'password', message: `Your new password must be ${PASSWORD_RULE}` })
    if (errors.length) return showErrors(resetForm, errors)
    const button = resetForm.querySelector('button')
    busy(button, true)
    try {
      await cognito('ConfirmForgotPassword', { Username: email, ConfirmationCode: code, Password: password })
      go('/sign-in.html#password-reset')
    } catch (error) {
      const field = error.type === 'InvalidPasswordException' ? 'password' : 'code'
      const message = field === 'password'
        ? `Choose a different password: it must be ${PASSWORD_RULE}`
        : 'The code is not right or has expired. Check the email. If no code came, contact your officer or call 101'
      showErrors(resetForm, [{ field, message }])
    } finally {
      busy(button, false)
    }
  })
}
