// Staff sign-in (staff-sign-in.html): a force analyst signs in to the staff pool by SRP, answers what Cognito
// asks next (a first sign-in's new password, setting up an authenticator app, its code), then reads the figures.
// With a force's own identity provider (config.json staffFederation), "Sign in with your force account"
// goes through the staff pool's hosted UI instead (federation.js), and comes back here with a code.
import { CognitoError, cognito } from '../cognito.js'
import { codeForm, spacedKey } from '../two-step.js'
import { $, go, notify, setTitle, show, showErrors, submitWhileBusy } from '../ui.js'
import { keep, staffChallenge, staffChrome, staffHome, staffSignIn, staffSignedIn } from './session.js'
import { FederationError, federation, finishFederatedSignIn, startFederatedSignIn } from './federation.js'

const PASSWORD_MIN_LENGTH = 14 // the staff pool's policy (template.yaml StaffUserPool)
const BANNERS = {
  '#expired': { heading: 'You have been signed out', body: ['Sign in again to see your force\'s figures.'] },
  '#signed-out': { success: true, heading: 'You have signed out', body: ['For extra privacy, close this browser tab.'] },
  '#timed-out': { heading: 'You have been signed out', body: ['You had not done anything for a while, so we signed you out to protect your force\'s figures. Sign in again to continue.'] }
}
// Challenges answered here: the first sign-in with a temporary password (analysts are made by an administrator),
// then two-step codes (template.yaml StaffMfa): setting up an authenticator app, and its code at each sign-in.
const FORMS = {
  NEW_PASSWORD_REQUIRED: ['#staff-new-password-form', '#new-password', 'Choose a new password'],
  MFA_SETUP: ['#staff-mfa-setup-form', '#setup-code', 'Set up an authenticator app'],
  SOFTWARE_TOKEN_MFA: ['#staff-mfa-form', '#mfa-code', 'Enter the code from your authenticator app']
}

const FEDERATION_REFUSED = 'Your force account did not sign you in. Try again, or sign in with a Caseline password'

function problem (error) {
  if (error.type === 'NetworkError' || error.type === 'NotConfigured' || !error.type) {
    return 'Sorry, there is a problem with the service. Try again later'
  }
  return 'The email address or password is not right' // the same words whether or not an account exists
}

export default async function page () {
  const federated = await federation()
  const fromHostedUi = await finishFederatedSignIn(federated).catch((error) => error)
  if (fromHostedUi && !(fromHostedUi instanceof Error)) {
    keep(fromHostedUi)
    return go(staffHome())
  }
  if (BANNERS[window.location.hash]) notify($('.app-banner-slot'), BANNERS[window.location.hash])
  else if (staffSignedIn()) return go(staffHome())
  staffChrome()
  const form = $('#staff-sign-in-form')
  if (federated) {
    show($('.app-federated'), true)
    $('.app-federated-sign-in').addEventListener('click', () => startFederatedSignIn(federated))
  }
  if (fromHostedUi) {
    const message = fromHostedUi instanceof FederationError ? FEDERATION_REFUSED : problem(fromHostedUi)
    showErrors(form, [{ field: 'force-account', message }]) // at the button that started it
  }
  let challenge = null

  // Tokens: on to the figures. A challenge: its form. Anything else is not supported here.
  const next = async (result) => {
    if (result.AuthenticationResult) {
      keep(result.AuthenticationResult)
      return go(staffHome())
    }
    const shown = FORMS[result.ChallengeName]
    if (!shown) throw new Error('unsupported challenge')
    challenge = { name: result.ChallengeName, session: result.Session, user: result.ChallengeParameters?.USER_ID_FOR_SRP || result.ChallengeParameters?.USERNAME || challenge?.user }
    if (result.ChallengeName === 'MFA_SETUP') { // a key for the app, shown as text to type in
      const associated = await cognito('AssociateSoftwareToken', { Session: challenge.session })
      challenge.session = associated.Session || challenge.session
      $('#mfa-key').textContent = spacedKey(associated.SecretCode)
    }
    for (const [selector] of Object.values(FORMS)) show($(selector), selector === shown[0])
    show(form, false)
    setTitle(shown[2])
    $(shown[1]).focus()
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const email = $('#email').value.trim()
    const password = $('#password').value
    const errors = []
    if (!email) errors.push({ field: 'email', message: 'Enter your work email address' })
    if (!password) errors.push({ field: 'password', message: 'Enter your password' })
    if (errors.length) return showErrors(form, errors)
    challenge = { user: email }
    await submitWhileBusy(form, async () => next(await staffSignIn(email, password)), (error) => ({ field: 'email', message: problem(error) }))
  })

  $('#staff-new-password-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const password = $('#new-password').value
    if (password.length < PASSWORD_MIN_LENGTH) {
      return showErrors(event.target, [{ field: 'new-password', message: `Enter a password of at least ${PASSWORD_MIN_LENGTH} characters` }])
    }
    await submitWhileBusy(event.target, async () => next(await staffChallenge(challenge.name, challenge.session,
      { USERNAME: challenge.user, NEW_PASSWORD: password })), () => ({ field: 'new-password', message: 'That password cannot be used. Choose another' }))
  })

  // The app's first code proves it has the key; then Cognito finishes the sign-in.
  codeForm($('#staff-mfa-setup-form'), 'setup-code', async (code) => {
    const verified = await cognito('VerifySoftwareToken', { Session: challenge.session, UserCode: code, FriendlyDeviceName: 'Caseline' })
    if (verified.Status !== 'SUCCESS') throw new CognitoError('CodeMismatchException')
    return staffChallenge('MFA_SETUP', verified.Session, { USERNAME: challenge.user })
  }, next)
  codeForm($('#staff-mfa-form'), 'mfa-code', (code) => staffChallenge('SOFTWARE_TOKEN_MFA', challenge.session,
    { USERNAME: challenge.user, SOFTWARE_TOKEN_MFA_CODE: code }), next)
}
