// The signed-in session: Cognito tokens in memory and in sessionStorage (never localStorage).
import { cognito } from './cognito.js'
import { clearAll, read, write } from './storage.js'

let current = read('session')

function claims (token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    return JSON.parse(atob(part))
  } catch {
    return {}
  }
}

export function signedIn () {
  return Boolean(current && current.idToken)
}

export function store (result, previous = {}) {
  const idToken = result.IdToken
  current = {
    idToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken || previous.refreshToken,
    expiresAt: (claims(idToken).exp || 0) * 1000
  }
  write('session', current)
}

export async function idToken () {
  if (!current) return null
  if (Date.now() < current.expiresAt - 60_000) return current.idToken
  if (!current.refreshToken) return null
  try {
    const result = await cognito('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: current.refreshToken }
    })
    store(result.AuthenticationResult, current)
    return current.idToken
  } catch {
    return null
  }
}

// Signs out on every device (GlobalSignOut), then forgets everything this tab holds. Resolves to
// whether the other devices were signed out too (false when Cognito refused or could not be reached).
export async function signOut () {
  const accessToken = current && current.accessToken
  current = null
  clearAll()
  if (!accessToken) return true
  try {
    await cognito('GlobalSignOut', { AccessToken: accessToken })
    return true
  } catch {
    // the tokens expire by themselves within 15 minutes; this tab has already forgotten them
    return false
  }
}

export function forget () {
  current = null
  clearAll()
}

export function email () {
  return current ? claims(current.idToken).email || null : null
}
