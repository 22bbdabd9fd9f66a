// The insights page (insights.html): a force analyst's figures from GET /v1/insights/{force_id} (docs/api.md),
// for a range of days added up by day, week or month; a chart and a table per family; CSV download. The
// token goes in the Authorization header only, never in a URL. 401: back to staff sign-in.
import { ApiError } from '../api.js'
import { apiUrl, forceDetails, loadConfig } from '../config.js'
import { $, clearErrors, el, show, showErrors, submitWhileBusy } from '../ui.js'
import { families, periodStarts } from './figures.js'
import { derivedSection } from './derived-view.js'
import { familySection, rangeText } from './insights-view.js'
import { signInAgain, staffChrome, staffForces, staffIdleTimer, staffSignedIn, staffToken } from './session.js'

const FAILED = 'Sorry, there is a problem with the service. Try again later'

async function ask (force, query, accept) {
  const token = await staffToken()
  if (!token) return signInAgain()
  const config = await loadConfig()
  const response = await fetch(apiUrl(config, `/v1/insights/${encodeURIComponent(force)}?${query}`), {
    headers: { Authorization: token, Accept: accept }, credentials: 'omit', cache: 'no-store'
  })
  if (response.status === 401) return signInAgain()
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})))
  return response
}

// The API's 4xx as the page says it: a bad range names its field; another force's figures are not found.
function problem (error) {
  if (error.status === 422) {
    const detail = String(error.problem.detail || '')
    const field = error.problem.field === 'to' ? 'to' : 'from'
    if (detail.includes('after')) return { field: 'from', message: 'The first day must be on or before the last day' }
    if (detail.includes('at most')) return { field: 'to', message: 'Choose at most 93 days' }
    return { field, message: 'Enter a real date' }
  }
  if (error.status === 404) return { field: 'insights-heading', message: 'There are no figures for this force: you can see only your own force\'s figures' }
  return { field: 'insights-heading', message: FAILED }
}

// An error that is not one field's: the summary links to the heading, with no message beside it.
function pageProblem (form, message) {
  showErrors(form, [{ field: 'insights-heading', message }])
  $('#insights-heading-error')?.remove()
  $('#insights-heading').removeAttribute('aria-describedby')
}

function render (answer) {
  const found = families(answer)
  const starts = periodStarts(answer.from, answer.to, answer.period)
  $('.app-insights-range').textContent = `Figures from ${rangeText(answer)}`
  show($('.app-insights-empty'), !found.length)
  const derived = derivedSection(answer.derived)
  $('.app-families').replaceChildren(...(derived ? [derived] : []), ...found.map((entry) => familySection(answer, entry, starts)))
  show($('.app-insights'), true)
}

function query (form) {
  const params = new URLSearchParams({ period: form.querySelector('input[name=period]:checked')?.value || 'day' })
  for (const name of ['from', 'to']) if (form.elements[name].value) params.set(name, form.elements[name].value)
  return params
}

export default async function page () {
  if (!staffSignedIn()) return signInAgain('')
  staffChrome()
  await staffIdleTimer()
  const config = await loadConfig()
  const form = $('#insights-form')
  // The deployment's forces among the analyst's groups (another group, such as a role's, is not a force here)
  const mine = staffForces()
  const served = mine.filter((id) => forceDetails(config, id).known)
  const name = (id) => forceDetails(config, id).name
  const forces = (served.length ? served : mine).sort((a, b) => name(a).localeCompare(name(b)))
  if (!forces.length) {
    show(form, false)
    return show($('.app-no-force'), true)
  }
  form.elements.force.replaceChildren(...forces.map((id) => el('option', { value: id }, name(id))))
  show($('.app-force-choice'), forces.length > 1)
  let shown = null // the query of the figures on the page: what the CSV download fetches

  const load = async (params, focus) => {
    const force = form.elements.force.value
    $('.app-insights-heading').textContent = `${name(force)}: figures`
    $('.app-loading').textContent = 'Loading the figures…'
    const answer = await (await ask(force, params, 'application/json')).json()
    form.elements.from.value = answer.from
    form.elements.to.value = answer.to
    const period = form.querySelector(`input[name=period][value=${answer.period}]`)
    if (period) period.checked = true
    shown = { force, params: new URLSearchParams({ from: answer.from, to: answer.to, period: answer.period }) }
    render(answer)
    $('.app-loading').textContent = `Showing figures from ${rangeText(answer)}`
    if (focus) $('.app-insights-range').focus()
  }
  const failed = (error) => {
    $('.app-loading').textContent = ''
    const found = error instanceof ApiError ? problem(error) : { field: 'insights-heading', message: FAILED }
    if (found.field !== 'insights-heading') return found
    pageProblem(form, found.message)
    return null
  }

  const notLoaded = (error) => { // the figures on the page are no longer what the form asks for
    show($('.app-insights'), false)
    return failed(error)
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    clearErrors()
    await submitWhileBusy(form, () => load(query(form), true), notLoaded)
  })
  $('.app-csv').addEventListener('click', async () => {
    await submitWhileBusy($('.app-insights'), async () => {
      const response = await ask(shown.force, shown.params, 'text/csv')
      const link = el('a', { href: URL.createObjectURL(await response.blob()), download: csvName(shown) })
      link.click()
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
    }, failed)
  })
  await submitWhileBusy(form, () => load(new URLSearchParams(), false), notLoaded)
}

function csvName ({ force, params }) {
  return `insights-${force}-${params.get('from')}-to-${params.get('to')}-by-${params.get('period')}.csv`
}
