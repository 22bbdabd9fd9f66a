// Caseline's victim API: the ID token as Authorization; problem details (RFC 9457) on errors.
import { apiUrl, loadConfig } from './config.js'
import { forget, idToken } from './session.js'

export class ApiError extends Error {
  constructor (status, problem) {
    super(problem.title || `HTTP ${status}`)
    this.status = status
    this.type = problem.type || ''
    this.problem = problem
  }
}

export async function api (method, path, body, { auth = true, raw = false } = {}) {
  const config = await loadConfig()
  const headers = { Accept: 'application/json' }
  if (auth) {
    const token = await idToken()
    if (!token) return signInAgain()
    headers.Authorization = token
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const response = await fetch(apiUrl(config, path), {
    method,
    headers,
    credentials: 'omit',
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  if (response.status === 401 && auth) return signInAgain()
  if (!response.ok) {
    let problem = {}
    try { problem = await response.json() } catch { /* not JSON */ }
    throw new ApiError(response.status, problem)
  }
  if (raw) return response
  return response.status === 204 ? null : response.json()
}

function signInAgain () {
  forget()
  window.location.replace('/sign-in.html#expired')
  return new Promise(() => {}) // the page is going away
}
