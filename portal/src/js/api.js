// Caseline's victim API: the ID token as Authorization; problem details (RFC 9457) on errors. A request
// the API does not answer in time (`apiTimeoutSeconds` in the configuration, 20 by default) is abandoned,
// and one that gets no answer at all (no connection, or abandoned) fails as an ApiError of status 0.
import { apiUrl, loadConfig } from './config.js'
import { forget, idToken } from './session.js'
import { write } from './storage.js'

// Downloading data and closing the account need a sign-in in the last 15 minutes (docs/api.md).
export const RECENT_SIGN_IN_REQUIRED = 'urn:caseline:problem:recent-sign-in-required'

// No answer from the API: no connection, or none within the time-out (an ApiError's type, status 0)
export const NO_ANSWER = 'urn:caseline:portal:no-answer'
export const TIMEOUT_SECONDS = 20

export class ApiError extends Error {
  constructor (status, problem) {
    super(problem.title || `HTTP ${status}`)
    this.status = status
    this.type = problem.type || ''
    this.problem = problem
  }
}

// returnTo: where to come back to after signing in again, when the API asks for a recent sign-in.
export async function api (method, path, body, { auth = true, raw = false, returnTo = null } = {}) {
  const config = await loadConfig()
  const headers = { Accept: 'application/json' }
  if (auth) {
    const token = await idToken()
    if (!token) return signInAgain()
    headers.Authorization = token
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const controller = new AbortController()
  const timer = window.setTimeout(() => controller.abort(), (Number(config.apiTimeoutSeconds) || TIMEOUT_SECONDS) * 1000)
  try {
    let response
    try {
      response = await fetch(apiUrl(config, path), {
        method,
        headers,
        credentials: 'omit',
        cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal
      })
    } catch {
      throw new ApiError(0, { type: NO_ANSWER, title: 'No answer from the service' })
    }
    if (!response.ok) {
      let problem = {}
      try { problem = await response.json() } catch { /* not JSON, or cut off */ }
      if (response.status === 401 && auth) {
        return signInAgain(problem.type === RECENT_SIGN_IN_REQUIRED ? returnTo || window.location.pathname : null)
      }
      throw new ApiError(response.status, problem)
    }
    if (raw) return response
    if (response.status === 204) return null
    try {
      return await response.json()
    } catch {
      throw new ApiError(0, { type: NO_ANSWER, title: 'No answer from the service' }) // cut off, or abandoned
    }
  } finally {
    window.clearTimeout(timer) // a raw answer's body (a download) is read by the caller, without a time limit
  }
}

function signInAgain (returnTo = null) {
  forget()
  if (returnTo) {
    write('returnTo', returnTo) // read once by the sign-in page (a path on this site only)
    window.location.replace('/sign-in.html#sign-in-again')
  } else {
    window.location.replace('/sign-in.html#expired')
  }
  return new Promise(() => {}) // the page is going away
}
