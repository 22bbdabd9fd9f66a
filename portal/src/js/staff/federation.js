// "Sign in with your force account" (ADR 0019): a force's own identity provider (OIDC or SAML) through the
// staff pool's hosted UI, by the OAuth 2.0 code flow with PKCE (RFC 7636): no client secret in the browser,
// and a code that is no use without this tab's verifier. The hosted UI sends the browser back to the staff
// sign-in page with ?code=…&state=…; the page trades the code for the pool's own tokens (the same tokens a
// password sign-in gets, so the rest of the staff pages do not know the difference).
import { loadConfig } from '../config.js'
import { read, remove, write } from '../storage.js'

const KEY = 'staffOauth' // this tab's verifier and state, kept only until the hosted UI answers
const SCOPES = 'openid email aws.cognito.signin.user.admin' // the last: GlobalSignOut on sign-out

export class FederationError extends Error {}

const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)))
const comeBackTo = () => `${window.location.origin}/staff-sign-in.html` // the client's only callback URL

// config.json's staffFederation (the hosted UI's address and the provider's name), or null: passwords only.
export async function federation () {
  const config = await loadConfig()
  const settings = config.staffFederation
  return settings && settings.url && settings.provider ? { ...settings, clientId: config.staffUserPoolClientId } : null
}

export async function startFederatedSignIn (settings) {
  const verifier = randomText()
  const state = randomText()
  write(KEY, { verifier, state })
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: comeBackTo(),
    identity_provider: settings.provider,
    scope: SCOPES,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256'
  })
  window.location.assign(`${settings.url}/oauth2/authorize?${query}`)
}

// The hosted UI's answer on this page: tokens in InitiateAuth's shape, null when the page was not opened by
// it, FederationError when it refused or the state is not this tab's. The code leaves the address bar first.
export async function finishFederatedSignIn (settings) {
  const answer = new URLSearchParams(window.location.search)
  if (!answer.has('code') && !answer.has('error')) return null
  const started = read(KEY)
  remove(KEY)
  window.history.replaceState(null, '', window.location.pathname)
  if (!settings || !started || answer.has('error') || answer.get('state') !== started.state) throw new FederationError('refused')
  const response = await fetch(`${settings.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code: answer.get('code'),
      redirect_uri: comeBackTo(),
      code_verifier: started.verifier
    }),
    credentials: 'omit',
    cache: 'no-store'
  })
  if (!response.ok) throw new FederationError(`token endpoint ${response.status}`)
  const tokens = await response.json()
  return { IdToken: tokens.id_token, AccessToken: tokens.access_token, RefreshToken: tokens.refresh_token }
}
