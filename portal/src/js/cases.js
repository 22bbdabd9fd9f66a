// Cases are addressed in URLs by opaque ids that mean nothing outside this tab: never a name,
// crime reference or case number. The map lives in sessionStorage.
import { read, write } from './storage.js'

function randomId () {
  const bytes = new Uint8Array(9)
  window.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function caseKey (forceId, caseId) {
  const refs = read('caseRefs') || {}
  const existing = Object.entries(refs).find(([, c]) => c.force_id === forceId && c.case_id === caseId)
  if (existing) return existing[0]
  const key = randomId()
  refs[key] = { force_id: forceId, case_id: caseId }
  write('caseRefs', refs)
  return key
}

export function caseFromFragment () {
  const match = window.location.hash.match(/^#c=([0-9a-f]{18})$/)
  if (!match) return null
  const found = (read('caseRefs') || {})[match[1]]
  return found ? { ...found, key: match[1] } : null
}

export function casePath (forceId, caseId) {
  return `/v1/cases/${encodeURIComponent(forceId)}/${encodeURIComponent(caseId)}`
}

export function pageFor (page, key) {
  return `/${page}.html#c=${key}`
}
