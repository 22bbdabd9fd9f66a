// The insights API's figures (docs/api.md, "Force insights") as the page shows them: families and figures
// in a stable order with human labels (a readable form of the name for any figure not listed here), and
// every period of the range, nothing counted read as 0. Pure functions: no DOM.

export const FAMILY_LABELS = {
  adoption: 'Adoption',
  visitors: 'Victims who came to see their case',
  contact: 'Contact handled online',
  case_actions: "Victims' requests and confirmations",
  messages: 'Messages',
  satisfaction: 'Satisfaction',
  duties: "Victims' Code duties",
  reports: 'Online reports'
}

export const FIGURE_LABELS = {
  invitations_sent: 'Invitations sent',
  accounts_created: 'New accounts (first link)',
  cases_linked: 'Cases linked',
  victims_invited: 'Victims invited (each once)',
  victims_linked: 'Victims who linked (each once)',
  linked_same_day: 'Linked on the day invited',
  linked_1_2_days: 'Linked 1 to 2 days after the invitation',
  linked_3_7_days: 'Linked 3 to 7 days after',
  linked_8_30_days: 'Linked 8 to 30 days after',
  linked_later: 'Linked more than 30 days after',
  linked_uninvited: 'Linked with no invitation sent',
  active_victims: 'Active victims',
  visits_1: 'Came once',
  visits_2_3: 'Came 2 or 3 times',
  visits_4_7: 'Came 4 to 7 times',
  visits_8_plus: 'Came 8 times or more',
  requested_review: 'Reviews of a decision asked for',
  requested_statement: 'Personal statements asked for',
  alert_acknowledged: 'Safety alerts confirmed as seen',
  opted_out: 'Victims who opted out of non-required messages',
  opted_in: 'Victims who opted back in',
  delegate_invited: 'Delegates invited',
  delegate_viewed_case: 'Case views by delegates',
  delegate_linked: 'Delegates linked',
  delegate_removed: 'Delegates removed',
  case_views: 'Case views',
  update_requests: 'Update requests',
  victim_messages: 'Messages from victims',
  calls_recorded: 'Calls from victims',
  answers: 'Survey answers',
  due: 'Duties due',
  met_on_time: 'Met on time',
  met_late: 'Met late',
  missed: 'Missed',
  submitted: 'Reports submitted',
  recorded: 'Recorded as crimes'
}

const MESSAGE_OUTCOMES = { sent: 'Sent', failed: 'Failed', blocked: 'Blocked', skipped: 'Skipped', fell_back: 'Fallback copies', bounced: 'Bounced', complained: 'Complaints' }
const CHANNELS = { email: 'email', sms: 'text message' }

function readable (name) {
  const words = String(name).replaceAll('_', ' ').replaceAll('-', ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export function familyLabel (family) {
  return FAMILY_LABELS[family] || readable(family)
}

export function figureLabel (name) {
  if (FIGURE_LABELS[name]) return FIGURE_LABELS[name]
  const outcome = /^([a-z_]+)_(email|sms)$/.exec(name)
  if (outcome && MESSAGE_OUTCOMES[outcome[1]]) return `${MESSAGE_OUTCOMES[outcome[1]]} (${CHANNELS[outcome[2]]})`
  const score = /^satisfaction_([1-5])$/.exec(name)
  if (score) return `Satisfaction score ${score[1]} of 5`
  return readable(name)
}

// Listed ones first, in the order above; any others after them, by name.
function ordered (names, listed) {
  const known = Object.keys(listed)
  const rank = (name) => (known.includes(name) ? known.indexOf(name) : known.length)
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}

function numeric (figures) {
  return Object.keys(figures || {}).filter((name) => typeof figures[name] === 'number')
}

// [{ family, figures: [name…] }] for every family in the answer's totals that has a number to show.
export function families (answer) {
  const totals = answer.totals || {}
  return ordered(Object.keys(totals), FAMILY_LABELS)
    .map((family) => ({ family, figures: ordered(numeric(totals[family]), FIGURE_LABELS) }))
    .filter((entry) => entry.figures.length)
}

const day = (iso) => new Date(`${iso}T00:00:00Z`)
const iso = (date) => date.toISOString().slice(0, 10)

export function periodStart (isoDay, period) {
  const date = day(isoDay)
  if (period === 'week') date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7))
  if (period === 'month') date.setUTCDate(1)
  return iso(date)
}

// Every period the range touches (as the API sums them: weeks from Monday, calendar months), first first.
export function periodStarts (from, to, period) {
  const starts = []
  for (const date = day(from); date <= day(to); date.setUTCDate(date.getUTCDate() + 1)) {
    const start = periodStart(iso(date), period)
    if (starts[starts.length - 1] !== start) starts.push(start)
  }
  return starts
}

// The figure's value in each period (0 where nothing was counted), by period start.
export function byPeriod (answer, family, name) {
  const values = {}
  for (const entry of answer.periods || []) values[entry.start] = entry.figures?.[family]?.[name] ?? 0
  return (start) => values[start] ?? 0
}

const NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 })
const LONG = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })

export const formatNumber = (value) => NUMBER.format(value)
export const longDate = (isoDay) => LONG.format(day(isoDay))

export function periodLabel (start, period) {
  if (period === 'month') return MONTH.format(day(start))
  return period === 'week' ? `Week from ${longDate(start)}` : longDate(start)
}
