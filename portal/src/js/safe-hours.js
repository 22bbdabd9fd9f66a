// Safe hours are the only times messages may go (UK time). A range may run overnight (22:00 until 06:00);
// no range means any time. One sentence, used wherever the portal confirms a choice back to the victim.

// A time as GOV.UK writes it: 7am, 5:30pm, midday, midnight.
export function clock ({ hour, minute }) {
  if (minute === 0 && hour === 0) return 'midnight'
  if (minute === 0 && hour === 12) return 'midday'
  const twelve = hour % 12 || 12
  const suffix = hour < 12 ? 'am' : 'pm'
  return minute ? `${twelve}:${String(minute).padStart(2, '0')}${suffix}` : `${twelve}${suffix}`
}

function minutes ({ hour, minute }) {
  return hour * 60 + minute
}

// start, end: { hour, minute } or null (no safe hours). Equal times are refused before this is asked.
export function safeHoursSentence (start, end) {
  if (!start || !end) return 'We may send you messages at any time of day or night.'
  const overnight = minutes(end) < minutes(start)
  const next = overnight ? (end.hour < 12 ? ' the next morning' : ' the next day') : ''
  return `We will only send you messages between ${clock(start)} and ${clock(end)}${next} (UK time). ` +
    `We will not send anything between ${clock(end)} and ${clock(start)}.`
}

// '07:00:00' (as the API gives it) → { hour, minute }; null when absent.
export function fromApi (value) {
  if (!value) return null
  const [hour, minute] = value.split(':').map(Number)
  return { hour, minute }
}
