// Parsing what people type into the report's questions: dates (UK time), times, money, postcodes and
// phone numbers, each as the API wants it or null when it is not valid.

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'
})

function londonOffsetMinutes (utcMillis) {
  const parts = Object.fromEntries(LONDON.formatToParts(new Date(utcMillis)).map((p) => [p.type, p.value]))
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute))
  return Math.round((asUtc - Math.floor(utcMillis / 60000) * 60000) / 60000)
}

// A wall-clock moment in the UK as a UTC instant (milliseconds).
export function ukMoment ({ year, month, day }, { hour = 0, minute = 0 } = {}) {
  const guess = Date.UTC(year, month - 1, day, hour, minute)
  const first = guess - londonOffsetMinutes(guess) * 60000
  return guess - londonOffsetMinutes(first) * 60000
}

export function isoUtc (millis) {
  return new Date(millis).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

// { day, month, year } strings → { year, month, day } numbers, 'missing', or 'invalid'.
export function parseDate (day, month, year) {
  const text = [day, month, year].map((v) => String(v || '').trim())
  if (text.every((v) => v === '')) return 'missing'
  if (text.some((v) => !/^\d+$/.test(v)) || text[2].length !== 4) return 'invalid'
  const [d, m, y] = text.map(Number)
  const probe = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return 'invalid'
  return { year: y, month: m, day: d }
}

export function isoDate ({ year, month, day }) {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

// '9:30', '09.30', '0930', '21:05' → { hour, minute }; '' → 'missing'; anything else → 'invalid'.
export function parseTime (value) {
  const text = String(value || '').trim().toLowerCase()
  if (!text) return 'missing'
  const match = text.match(/^([01]?\d|2[0-3])[:.]?([0-5]\d)$/)
  if (!match) return 'invalid'
  return { hour: Number(match[1]), minute: Number(match[2]) }
}

export function hhmmss ({ hour, minute }) {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`
}

// '£650', '1,200.50' → 650, 1200.5; null when it is not an amount of money.
export function parsePounds (value) {
  const text = String(value || '').trim().replace(/^£/, '').replaceAll(',', '')
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return null
  return Number(text)
}

const POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$/

export function parsePostcode (value) {
  const match = String(value || '').trim().toUpperCase().replace(/\s+/g, ' ').match(POSTCODE)
  return match ? `${match[1]} ${match[2]}` : null
}

// A UK mobile number in any usual form → +447…; null otherwise.
export function parseMobile (value) {
  const digits = String(value || '').replace(/[\s()-]/g, '')
  const match = digits.match(/^(?:\+44|0044|0)(7\d{9})$/)
  return match ? `+44${match[1]}` : null
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

export function isEmail (value) {
  return EMAIL.test(String(value || '').trim())
}

export function yearsOld (born, now = new Date()) {
  const today = { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() }
  let age = today.year - born.year
  if (today.month < born.month || (today.month === born.month && today.day < born.day)) age -= 1
  return age
}

export const MAX_TEXT = 2000
