// The online report's progress: answers kept in sessionStorage only (gone with the tab, on submit,
// sign-out and quick exit), the order of the questions, and the idempotency key made once per report.
import { asked } from './report-questions.js'
import { read, remove, write } from './storage.js'

const DRAFT = 'report'
const SENT = 'reportSent'

// Question pages in order. What happened comes first, so fraud goes to Report Fraud before any other
// question; report-force is only asked when the deployment serves several forces; items, injury and
// vehicle only for the categories the force needs them for (report-questions.js, from the domain).
export const STEPS = [
  'what', 'force', 'details', 'when', 'where', 'items', 'injury', 'suspect', 'witnesses', 'vehicle',
  'you', 'needs', 'safe-contact'
]

function newKey () {
  if (window.crypto.randomUUID) return window.crypto.randomUUID()
  const bytes = window.crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export function draft () {
  const found = read(DRAFT)
  if (found && found.idempotencyKey && found.answers) return found
  const fresh = { idempotencyKey: newKey(), answers: {}, serverErrors: [] }
  write(DRAFT, fresh)
  return fresh
}

export function hasDraft () {
  return Boolean(read(DRAFT))
}

export function saveAnswers (step, values) {
  const current = draft()
  current.answers[step] = values
  // an answer changed: the server's earlier complaints about this question no longer apply
  current.serverErrors = (current.serverErrors || []).filter((e) => e.step !== step)
  write(DRAFT, current)
  return current
}

export function setServerErrors (errors) {
  const current = draft()
  current.serverErrors = errors
  write(DRAFT, current)
}

export function answers (step) {
  return draft().answers[step] || {}
}

export function startAgain () {
  remove(DRAFT)
  remove(SENT)
}

// Submitted: the answers are forgotten; only the reference and the channel stay for the confirmation.
export function finish (sent) {
  remove(DRAFT)
  write(SENT, sent)
}

export function sent () {
  return read(SENT)
}

// The questions this report asks: before the category is chosen, every one that may be asked.
export function stepsFor (forces, category = answers('what').category) {
  return STEPS.filter((step) => (step !== 'force' || Object.keys(forces).length > 1) && asked(step, category))
}

export function pageOf (step) {
  return `/report-${step}.html`
}

// The next question, or the check page when the victim came from "Change" (#change) or at the end;
// a change that brings a new question (a vehicle crime asks for the vehicle) asks it first.
export function nextPage (step, forces, changing) {
  const steps = stepsFor(forces)
  const index = steps.indexOf(step)
  if (changing || index === steps.length - 1) {
    const missing = firstUnanswered(forces)
    return missing ? `${pageOf(missing)}#change` : '/report-check.html'
  }
  return pageOf(steps[index + 1])
}

export function previousPage (step, forces, changing) {
  if (changing) return '/report-check.html'
  const steps = stepsFor(forces)
  const index = steps.indexOf(step)
  return index <= 0 ? '/report-start.html' : pageOf(steps[index - 1])
}

// The first question not answered yet (a page opened out of order sends the victim back to it).
export function firstUnanswered (forces) {
  const given = draft().answers
  return stepsFor(forces).find((step) => !given[step] || !Object.keys(given[step]).length) || null
}
