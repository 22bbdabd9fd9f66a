// The case page: first what is happening now, who is looking after the case and what happens next (by
// when), then every step so far, the stages, support that fits the stage, rights and who can see it.
// Its words follow docs/content-style.md; the API writes them, this page only places them.
import { api } from '../api.js'
import { brandFor, mayNameCrime, rememberBranding } from '../branding.js'
import { accessSection } from '../case-access.js'
import { alertFromFragment, alertsSection, caseForAlert, focusAlert } from '../case-alerts.js'
import { delegatesSection } from '../case-delegates.js'
import { reviewSection } from '../case-review.js'
import { statementSection } from '../case-statement.js'
import { caseFromFragment, casePath, pageFor } from '../cases.js'
import { articlePath } from '../neutral.js'
import { $, el, go, neutralMode, notify, setTitle, show, stageLabel, when } from '../ui.js'

const SHOWN_ARTICLES = 3 // the most relevant; the rest are a search away

function stages (view) {
  const current = view.stages.indexOf(view.stage)
  return view.stages.map((stage, index) => {
    const state = index < current ? 'done' : index === current ? 'current' : 'todo'
    const hidden = { done: 'Done: ', current: 'Current stage: ', todo: 'Not yet: ' }[state]
    return el('li', { class: `app-stages__item app-stages__item--${state}`, 'aria-current': state === 'current' ? 'step' : false },
      el('span', { class: 'govuk-visually-hidden' }, hidden), stageLabel(stage))
  })
}

function timeline (entries) {
  return [...entries].reverse().map((entry) => el('li', { class: 'app-timeline__item' },
    el('h3', { class: 'govuk-heading-s app-timeline__title' }, entry.title),
    el('p', { class: 'govuk-body-s app-timeline__date' }, when(entry.at)),
    entry.detail ? el('p', { class: 'govuk-body' }, entry.detail) : null))
}

// Who is looking after the case and how to reach them; with no officer yet, no promise of a reply.
function officer (view, force) {
  const line = (text, size = 'body') => el('p', { class: `govuk-${size} app-officer__line` }, text)
  if (!view.officer) return [line('Not assigned yet'), line(`Until then, you can call ${force.phone || '101'}.`, 'body-s')]
  const { name, collar_number: collar, team_contact: team } = view.officer
  const away = view.officer_away ? line(view.officer_away) : null  // away today: until when, and who covers
  return [line(collar ? `${name}, collar number ${collar}` : name), team ? line(team, 'body-s') : null, away]
}

// The rights in one place the victim opens when they want them, not a dozen screens of scrolling
function rights (list) {
  return el('details', { class: 'govuk-details' },
    el('summary', { class: 'govuk-details__summary' },
      el('span', { class: 'govuk-details__summary-text' }, `Read your ${list.length} rights`)),
    el('ol', { class: 'govuk-details__text govuk-list app-rights__list' }, list.map((right) => el('li', {},
      el('h3', { class: 'govuk-heading-s govuk-!-margin-bottom-1' }, `Right ${right.number}: ${right.title}`),
      el('p', { class: 'govuk-body' }, right.summary)))))
}

function articles (list, key) {
  return list.map((article) => el('li', {},
    el('a', { class: 'govuk-link', href: `${articlePath(article.slug, neutralMode())}#c=${key}` }, article.title),
    el('p', { class: 'govuk-body govuk-!-margin-top-1 govuk-!-margin-bottom-1' }, article.summary),
    article.reason ? el('p', { class: 'govuk-body-s app-article-list__reason' }, article.reason) : null))
}

// Support articles say what they are about ("Keeping safe from domestic abuse"). Where the case is not to be
// named, they wait behind a closed "details" whose summary names nothing: no crime at a glance, and the
// list one tap away when she chooses (docs/content-style.md).
function support (list, key, nameless) {
  const items = el('ul', { class: 'govuk-list app-article-list app-recommended' }, articles(list, key))
  if (!nameless) return items
  return el('details', { class: 'govuk-details app-recommended-details' },
    el('summary', { class: 'govuk-details__summary' },
      el('span', { class: 'govuk-details__summary-text' }, 'Show the support chosen for you')),
    el('div', { class: 'govuk-details__text' }, items))
}

// New messages from the officer: a banner just after what happens next (the first screen keeps the case's
// own news), and their number on the Messages button
function unreadBanner (view, key) {
  const unread = view.messages.filter((m) => m.unread).length
  if (!unread) return
  $('.app-messages-link').textContent = `Messages (${unread} new)`
  const banner = notify($('.app-unread-slot'), {
    heading: `You have ${unread} new message${unread === 1 ? '' : 's'} from your officer`
  })
  banner.querySelector('.govuk-notification-banner__content').append(
    el('p', { class: 'govuk-body' }, el('a', { class: 'govuk-notification-banner__link', href: pageFor('messages', key) }, 'Read your messages')))
}

function surveyInvite (view, key) {
  if (view.stage !== 'closed') return
  $('.app-survey-slot').replaceChildren(
    el('h2', { class: 'govuk-heading-m' }, 'Tell us how we did'),
    el('p', { class: 'govuk-body' },
      el('a', { class: 'govuk-link', href: pageFor('survey', key) }, 'Answer 3 short questions about how we kept you informed'), '.'))
}

export default async function page () {
  const alertId = alertFromFragment()
  const found = caseFromFragment() || (alertId && await caseForAlert(alertId))
  if (!found) return go('/cases.html')
  const path = casePath(found.force_id, found.case_id)
  const [view, preferences] = await Promise.all([
    api('GET', path),
    api('GET', `${path}/preferences`).catch(() => null)
  ])
  rememberBranding(preferences)
  const force = await brandFor(found.force_id)
  setTitle('Your case')
  // A profile that may not name the crime or the police: "Your case", never the crime or the force
  const nameless = !mayNameCrime(preferences)
  $('.app-case-caption').textContent = nameless ? 'Your case' : view.category_label  // the reference is in the timeline
  $('.app-case-heading').textContent = view.now
  $('.app-officer').replaceChildren(...officer(view, force).filter(Boolean))
  $('.app-next-steps').textContent = view.next_steps
  $('.app-next-date').textContent = view.next_date ? view.next_date.text : ''
  show($('.app-next-date'), Boolean(view.next_date))
  $('.app-expected-reply').textContent = view.expected_reply || ''
  show($('.app-expected-reply'), Boolean(view.expected_reply))
  $('.app-messages-link').href = pageFor('messages', found.key)
  $('.app-preferences-link').href = pageFor('preferences', found.key)
  const victim = view.access.role === 'victim'
  unreadBanner(view, found.key)
  if (victim) surveyInvite(view, found.key)
  $('.app-timeline').replaceChildren(...timeline(view.timeline))
  $('.app-stages').replaceChildren(...stages(view))
  $('.app-support-slot').replaceChildren(support(view.recommended_articles.slice(0, SHOWN_ARTICLES), found.key, nameless))
  show($('.app-support'), view.recommended_articles.length > 0)
  $('.app-tier').textContent = view.tier === 'enhanced'
    ? 'You have enhanced rights under the Victims\' Code: we must update you sooner and offer you more support.'
    : 'These are your rights under the Code of Practice for Victims of Crime (the Victims\' Code).'
  $('.app-rights').replaceChildren(rights(view.rights))
  if (victim) {  // a delegate follows the case; what the victim decides stays hers
    alertsSection(path, view)
    reviewSection(path, view)
    statementSection(path, view)
    await accessSection(path)
  }
  await delegatesSection(path, view)
  show($('.app-loading'), false)
  show($('.app-case'), true)
  if (neutralMode()) document.body.classList.add('app-neutral')
  focusAlert(alertId)
}
