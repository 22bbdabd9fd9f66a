// Each question of the report: its checks (GOV.UK error messages, field = the input's id), its rows
// on "Check your answers", and what it adds to the API body (the reporting contract).
import { categoryLabel } from './report-categories.js'
import {
  MAX_TEXT, hhmmss, isEmail, isoDate, isoUtc, parseDate, parseMobile, parsePostcode, parsePounds, parseTime,
  ukMoment, yearsOld
} from './report-values.js'
import { clock, safeHoursSentence } from './safe-hours.js'
import { channelList } from './ui.js'

// £120, £120.50 (never £120.5): whole pounds as they are, pence always as two digits.
function pounds (amount) {
  const pence = Number.isInteger(amount) ? {} : { minimumFractionDigits: 2, maximumFractionDigits: 2 }
  return `£${amount.toLocaleString('en-GB', pence)}`
}

export const ITEM_ROWS = 3

const LANGUAGES = {
  en: 'English', cy: 'Welsh (Cymraeg)', ar: 'Arabic', bn: 'Bengali', zh: 'Chinese', fr: 'French', gu: 'Gujarati',
  lt: 'Lithuanian', pl: 'Polish', pt: 'Portuguese', pa: 'Punjabi', ro: 'Romanian', so: 'Somali', es: 'Spanish',
  tr: 'Turkish', uk: 'Ukrainian', ur: 'Urdu'
}
export const LANGUAGE_NAMES = LANGUAGES

const text = (value) => String(value || '').trim()
const yes = (value) => value === 'yes'
const orNull = (value) => text(value) || null

function tooLong (errors, values, fields) {
  for (const [field, name] of fields) {
    if (text(values[field]).length > MAX_TEXT) errors.push({ field, message: `${name} must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` })
  }
}

function requireText (errors, values, field, message) {
  if (!text(values[field])) errors.push({ field, message })
}

function requireChoice (errors, values, name, firstId, message) {
  if (!values[name]) errors.push({ field: firstId, message })
}

// A yes/no question (radios named choice) whose yes reveals one text field, sent as body[field] or null.
function yesThenText (choice, field, { choose, describe, name, row }) {
  return {
    check: (v) => {
      const e = []
      requireChoice(e, v, choice, `${choice}-yes`, choose)
      if (yes(v[choice])) requireText(e, v, field, describe)
      tooLong(e, v, [[field, name]])
      return e
    },
    rows: (v) => [[row, yes(v[choice]) ? text(v[field]) : 'No']],
    apply: (v, body) => { body[field] = yes(v[choice]) ? text(v[field]) : null }
  }
}

function dateText (d) {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(d.year, d.month - 1, d.day)))
}

// When: a start date (and time if known), an end date (and time) if it went on for a while.
export function occurred (values, now = Date.now()) {
  const errors = []
  const unsure = (values['when-unsure'] || []).includes('yes')
  const from = parseDate(values['from-day'], values['from-month'], values['from-year'])
  const to = parseDate(values['to-day'], values['to-month'], values['to-year'])
  const fromTime = unsure ? 'missing' : parseTime(values['from-time'])
  const toTime = unsure ? 'missing' : parseTime(values['to-time'])
  if (from === 'missing') errors.push({ field: 'from-day', message: 'Enter the date it happened, like 27 3 2026' })
  else if (from === 'invalid') errors.push({ field: 'from-day', message: 'Date it happened must be a real date, like 27 3 2026' })
  if (fromTime === 'invalid') errors.push({ field: 'from-time', message: 'Enter the time as a time, like 21:30 or 9:30' })
  if (to === 'invalid') errors.push({ field: 'to-day', message: 'End date must be a real date, like 28 3 2026' })
  if (toTime === 'invalid') errors.push({ field: 'to-time', message: 'Enter the end time as a time, like 07:00' })
  if (errors.length) return { errors }
  const start = ukMoment(from, fromTime === 'missing' ? {} : fromTime)
  const endDay = to === 'missing' ? from : to
  let end = ukMoment(endDay, toTime === 'missing' ? { hour: 23, minute: 59 } : toTime)
  if (toTime === 'missing') end = Math.max(start, Math.min(end, now - 60000)) // a minute's margin for the server's clock
  if (start > now) errors.push({ field: 'from-day', message: 'Date it happened must be today or in the past' })
  else if (to !== 'missing' && ukMoment(to) < ukMoment(from)) errors.push({ field: 'to-day', message: 'End date must be the same as or after the date it started' })
  else if (end < start) errors.push({ field: 'to-time', message: 'End time must be after the time it started' })
  else if (toTime !== 'missing' && end > now) errors.push({ field: 'to-time', message: 'End time must be in the past' })
  if (errors.length) return { errors }
  return { errors, from: isoUtc(start), to: isoUtc(Math.min(end, now)), fromDate: from, toDate: endDay, unsure, fromTime, toTime }
}

function whenText (values) {
  const result = occurred(values)
  if (result.errors.length) return ''
  const time = (t) => (t === 'missing' ? '' : ` at ${clock(t)}`)  // 8pm, 7:30am, midday: GOV.UK style
  const start = `${dateText(result.fromDate)}${time(result.fromTime)}`
  const sameDay = isoDate(result.fromDate) === isoDate(result.toDate)
  const end = sameDay ? (result.toTime === 'missing' ? '' : ` to ${clock(result.toTime)}`) : ` to ${dateText(result.toDate)}${time(result.toTime)}`
  return `${start}${end}${result.unsure ? ' (not known exactly)' : ''}`
}

function items (values) {
  const found = []
  for (let i = 1; i <= ITEM_ROWS; i += 1) {
    const description = text(values[`item-${i}-description`])
    const value = text(values[`item-${i}-value`])
    if (description || value) found.push({ i, description, value, pounds: parsePounds(value) })
  }
  return found
}

export function dateOfBirth (values) {
  return parseDate(values['dob-day'], values['dob-month'], values['dob-year'])
}

function underEighteen (values) {
  const born = dateOfBirth(values)
  if (born && typeof born === 'object') return yearsOld(born) < 18
  return (values['under-18'] || []).includes('yes')
}

// Two small questions on one page: their checks, rows and body members one after the other.
function together (...specs) {
  return {
    check: (v, ctx) => specs.flatMap((spec) => spec.check(v, ctx)),
    rows: (v, ctx) => specs.flatMap((spec) => spec.rows(v, ctx)),
    apply: (v, body, ctx) => specs.forEach((spec) => spec.apply(v, body, ctx))
  }
}

const CCTV = {
  check: (v) => { const e = []; requireChoice(e, v, 'cctv', 'cctv-yes', 'Select yes if there is any CCTV or video'); return e },
  rows: (v) => [['CCTV or video', { yes: 'Yes', no: 'No', 'not-sure': 'Not sure' }[v.cctv] || '']],
  apply: (v, body) => { body.cctv = v.cctv }
}

export const STEP_SPECS = {
  force: {
    check: (v) => { const e = []; requireChoice(e, v, 'force', null, 'Select the police force area where it happened'); return e },
    rows: (v, ctx) => [['Police force', (ctx.forces[v.force] || {}).name || v.force]],
    apply: (v, body) => { body.force_id = v.force }
  },
  what: {
    check: (v) => { const e = []; requireChoice(e, v, 'category', null, 'Select what happened'); return e },
    rows: (v) => [['What happened', categoryLabel(v.category)]],
    apply: (v, body) => { body.category = v.category }
  },
  details: {
    check: (v) => { const e = []; requireText(e, v, 'what-happened', 'Tell us what happened'); tooLong(e, v, [['what-happened', 'What happened']]); return e },
    rows: (v) => [['In your words', text(v['what-happened'])]],
    apply: (v, body) => { body.what_happened = text(v['what-happened']) }
  },
  when: {
    check: (v) => occurred(v).errors,
    rows: (v) => [['When', whenText(v)]],
    apply: (v, body) => { const r = occurred(v); body.occurred = { from: r.from, to: r.to } }
  },
  where: {
    check: (v) => {
      const e = []
      if (!text(v['location-description']) && !text(v.postcode)) e.push({ field: 'location-description', message: 'Enter where it happened, or its postcode' })
      if (text(v.postcode) && !parsePostcode(v.postcode)) e.push({ field: 'postcode', message: 'Enter a real postcode, like RG1 1AA' })
      tooLong(e, v, [['location-description', 'Where it happened']])
      return e
    },
    rows: (v) => [['Where', [text(v['location-description']), parsePostcode(v.postcode)].filter(Boolean).join(', ')]],
    apply: (v, body) => { body.location = { description: orNull(v['location-description']), postcode: parsePostcode(v.postcode) } }
  },
  items: {
    check: (v) => {
      const e = []
      for (const item of items(v)) {
        if (!item.description) e.push({ field: `item-${item.i}-description`, message: `Enter what item ${item.i} was` })
        if (!item.value) e.push({ field: `item-${item.i}-value`, message: `Enter roughly what item ${item.i} was worth in pounds, or 0 if you do not know` })
        else if (item.pounds === null) e.push({ field: `item-${item.i}-value`, message: `Value of item ${item.i} must be an amount of money, like 650 or 12.50` })
        else if (item.pounds > 1_000_000) e.push({ field: `item-${item.i}-value`, message: `Value of item ${item.i} must be £1,000,000 or less` })
        tooLong(e, v, [[`item-${item.i}-description`, `Item ${item.i}`]])
      }
      tooLong(e, v, [['damage', 'What was damaged']])
      return e
    },
    rows: (v) => [
      ['Stolen', items(v).map((i) => `${i.description} (${pounds(i.pounds)})`).join('; ') || 'Nothing'],
      ['Damaged', text(v.damage) || 'Nothing']
    ],
    apply: (v, body) => {
      body.items = items(v).map((i) => ({ description: i.description, value_pounds: i.pounds }))
      body.damage = orNull(v.damage)
    }
  },
  injury: {
    check: (v) => {
      const e = []
      requireChoice(e, v, 'injured', 'injured-yes', 'Select yes if anyone was injured')
      if (yes(v.injured)) requireText(e, v, 'injury-details', 'Describe the injuries')
      tooLong(e, v, [['injury-details', 'The injuries']])
      return e
    },
    rows: (v) => [['Anyone injured', yes(v.injured) ? `Yes: ${text(v['injury-details'])}` : 'No']],
    apply: (v, body) => { body.injured = yes(v.injured); body.injury_details = yes(v.injured) ? text(v['injury-details']) : null }
  },
  suspect: {
    check: (v) => {
      const e = []
      requireChoice(e, v, 'suspect-known', 'suspect-known-yes', 'Select yes if you know who did it')
      if (yes(v['suspect-known'])) requireText(e, v, 'suspect-name', 'Enter the name of the person who did it')
      tooLong(e, v, [['suspect-name', 'Their name'], ['suspect-description', 'The description']])
      return e
    },
    rows: (v) => [
      ['Know who did it', yes(v['suspect-known']) ? `Yes: ${text(v['suspect-name'])}` : 'No'],
      ['Description', text(v['suspect-description']) || 'None given']
    ],
    apply: (v, body) => {
      const known = yes(v['suspect-known'])
      body.suspect = { known, name: known ? text(v['suspect-name']) : null, description: orNull(v['suspect-description']) }
    }
  },
  // Witnesses and video on one page: both about what else could show what happened.
  witnesses: together(yesThenText('witnesses-any', 'witnesses', {
    choose: 'Select yes if anyone saw or heard what happened',
    describe: 'Tell us who saw or heard what happened',
    name: 'Who saw or heard it',
    row: 'Witnesses'
  }), CCTV),
  // Asked for vehicle crime only (report-questions.js): the vehicle is the one it happened to.
  vehicle: {
    check: (v) => {
      const e = []
      requireText(e, v, 'vehicle', 'Describe the vehicle, like its registration, make and colour')
      tooLong(e, v, [['vehicle', 'The vehicle']])
      return e
    },
    rows: (v) => [['Vehicle', text(v.vehicle)]],
    apply: (v, body) => { body.vehicle = text(v.vehicle) }
  },
  // About you: who you are and how to reach you, on one page.
  you: together({
    check: (v) => {
      const e = []
      requireText(e, v, 'full-name', 'Enter your full name')
      tooLong(e, v, [['full-name', 'Your name']])
      const born = dateOfBirth(v)
      const under = (v['under-18'] || []).includes('yes')
      if (born === 'missing' && !under) e.push({ field: 'dob-day', message: 'Enter your date of birth, or select that you are under 18' })
      else if (born === 'invalid') e.push({ field: 'dob-day', message: 'Date of birth must be a real date, like 27 3 1990' })
      else if (typeof born === 'object') {
        if (ukMoment(born) > Date.now()) e.push({ field: 'dob-day', message: 'Date of birth must be in the past' })
        else if (under && yearsOld(born) >= 18) e.push({ field: 'dob-day', message: 'Your date of birth says you are 18 or over: check it, or do not select that you are under 18' })
      }
      return e
    },
    rows: (v) => {
      const born = dateOfBirth(v)
      return [['Your name', text(v['full-name'])], ['Date of birth', typeof born === 'object' ? dateText(born) : 'Under 18']]
    },
    apply: (v, body) => {
      const born = dateOfBirth(v)
      body.reporter.name = text(v['full-name'])
      body.reporter.date_of_birth = typeof born === 'object' ? isoDate(born) : null
      body.reporter.under_18 = underEighteen(v)
    }
  }, {
    check: (v) => {
      const e = []
      if (!text(v.email) && !text(v.mobile)) e.push({ field: 'email', message: 'Enter an email address or a mobile phone number' })
      if (text(v.email) && !isEmail(v.email)) e.push({ field: 'email', message: 'Enter an email address in the correct format, like name@example.com' })
      if (text(v.mobile) && !parseMobile(v.mobile)) e.push({ field: 'mobile', message: 'Enter a UK mobile phone number, like 07700 900 982' })
      return e
    },
    rows: (v) => [['Email', text(v.email) || 'None given'], ['Mobile', text(v.mobile) || 'None given']],
    apply: (v, body) => { body.reporter.email = orNull(v.email); body.reporter.mobile = parseMobile(v.mobile) }
  }),
  needs: {
    check: (v) => {
      const e = []
      if (!LANGUAGES[v.language]) e.push({ field: 'language', message: 'Select the language you would like us to use' })
      tooLong(e, v, [['needs', 'Your needs']])
      requireChoice(e, v, 'wants-support', 'wants-support-yes', 'Select yes if you would like us to put you in touch with support')
      return e
    },
    rows: (v) => [
      ['Language', LANGUAGES[v.language] || ''],
      ['Your needs', text(v.needs) || 'None given'],
      ['Support', yes(v['wants-support']) ? 'Yes, put me in touch' : 'No']
    ],
    apply: (v, body) => {
      body.reporter.preferred_language = v.language
      body.reporter.needs = orNull(v.needs)
      body.reporter.wants_support = yes(v['wants-support'])
    }
  },
  'safe-contact': {
    check: (v, ctx) => {
      const e = []
      const offered = ctx.channels || ['email', 'sms']
      const chosen = (v['safe-channels'] || []).filter((c) => offered.includes(c))
      if (!chosen.length) e.push({ field: `safe-${offered[0] || 'email'}`, message: 'Select at least one way it is safe to contact you' })
      const start = parseTime(v['hours-start'])
      const end = parseTime(v['hours-end'])
      if (start !== 'missing' || end !== 'missing') {
        if (typeof start !== 'object') e.push({ field: 'hours-start', message: 'Enter the start of the safe time as a time, like 09:00' })
        if (typeof end !== 'object') e.push({ field: 'hours-end', message: 'Enter the end of the safe time as a time, like 17:30' })
        if (typeof start === 'object' && typeof end === 'object' && hhmmss(start) === hhmmss(end)) e.push({ field: 'hours-end', message: 'The end of the safe time must be different from the start' })
      }
      requireChoice(e, v, 'may-name-police', 'may-name-police-yes', 'Select yes if we can say we are the police')
      requireChoice(e, v, 'may-name-crime', 'may-name-crime-yes', 'Select yes if we can mention the crime')
      return e
    },
    rows: (v, ctx) => {
      const offered = ctx.channels || ['email', 'sms']
      const start = parseTime(v['hours-start'])
      const end = parseTime(v['hours-end'])
      return [
        ['Safe ways to contact you', channelList((v['safe-channels'] || []).filter((c) => offered.includes(c)))],
        ['Safe times', typeof start === 'object' && typeof end === 'object' ? safeHoursSentence(start, end) : 'Any time'],
        ['Say we are the police', yes(v['may-name-police']) ? 'Yes' : 'No'],
        ['Mention the crime', yes(v['may-name-crime']) ? 'Yes' : 'No']
      ]
    },
    apply: (v, body, ctx) => {
      const offered = ctx.channels || ['email', 'sms']
      const start = parseTime(v['hours-start'])
      const end = parseTime(v['hours-end'])
      body.safe_contact = {
        safe_channels: (v['safe-channels'] || []).filter((c) => offered.includes(c)),
        safe_hours: typeof start === 'object' && typeof end === 'object' ? { start: hhmmss(start), end: hhmmss(end) } : null,
        may_name_police: yes(v['may-name-police']),
        may_name_crime: yes(v['may-name-crime'])
      }
    }
  }
}

// The channels the victim gave details for (only those can be chosen as safe).
export function givenChannels (contactValues) {
  return [text(contactValues.email) ? 'email' : null, parseMobile(contactValues.mobile) ? 'sms' : null].filter(Boolean)
}
