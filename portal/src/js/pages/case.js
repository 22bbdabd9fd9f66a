import { api } from '../api.js'
import { brandFor, rememberBranding } from '../branding.js'
import { caseFromFragment, casePath, pageFor } from '../cases.js'
import { read } from '../storage.js'
import { $, busy, el, go, notify, setTitle, show, stageLabel, when } from '../ui.js'

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

function officerRows (officer, force) {
  const rows = officer
    ? [['Name', officer.name], ['Collar number', officer.collar_number], ['Team contact', officer.team_contact]]
    : [['Officer', 'Not assigned yet'], ['Phone', force.phone]]
  return rows.filter(([, value]) => value).map(([key, value]) => el('div', { class: 'govuk-summary-list__row' },
    el('dt', { class: 'govuk-summary-list__key' }, key),
    el('dd', { class: 'govuk-summary-list__value' }, value)))
}

function rights (list) {
  return list.map((right) => el('details', { class: 'govuk-details' },
    el('summary', { class: 'govuk-details__summary' },
      el('span', { class: 'govuk-details__summary-text' }, `Right ${right.number}: ${right.title}`)),
    el('div', { class: 'govuk-details__text' }, right.summary)))
}

function accountRow (account, onRemove) {
  const who = account.email || 'An account'
  const facts = [
    el('p', { class: 'govuk-body-s app-access__meta' }, `Linked ${when(account.linked_at)}`),
    el('p', { class: 'govuk-body-s app-access__meta' },
      account.last_signed_in_at ? `Last signed in ${when(account.last_signed_in_at)}` : 'Not signed in since it was linked')
  ]
  const action = account.you
    ? el('p', { class: 'govuk-body-s' }, 'This is the account you are signed in with.')
    : el('button', { type: 'button', class: 'govuk-button govuk-button--warning govuk-!-margin-bottom-0', 'data-module': 'govuk-button' },
      'Remove access', el('span', { class: 'govuk-visually-hidden' }, ` for ${who}`))
  if (!account.you) action.addEventListener('click', () => onRemove(account, action))
  return el('li', { class: 'app-access__item' },
    el('h3', { class: 'govuk-heading-s app-access__who' }, who,
      account.you ? el('strong', { class: 'govuk-tag govuk-tag--blue app-access__tag' }, 'You') : null),
    facts, action)
}

async function accessSection (path) {
  const slot = $('.app-access-banner-slot')
  const render = async () => {
    const { accounts } = await api('GET', `${path}/accounts`)
    $('.app-access-list').replaceChildren(...accounts.map((account) => accountRow(account, remove)))
  }
  const remove = async (account, button) => {
    busy(button, true)
    try {
      await api('DELETE', `${path}/accounts/${account.link_id}`)
    } catch (error) {
      busy(button, false)
      if (error.status === 404) await render()
      notify(slot, { heading: error.status === 404 ? 'That account no longer has access.' : 'Sorry, we could not remove that account. Try again later.' })
      return
    }
    await render()
    notify(slot, {
      success: true,
      heading: `${account.email || 'The account'} can no longer see this case`,
      body: ['If you did not know about it, call the police on 101 to ask for a new access code.']
    })
  }
  try {
    await render()
  } catch {
    $('.app-access-list').replaceChildren(el('li', { class: 'govuk-body' }, 'We could not load the accounts just now. Try again later.'))
  }
}

export default async function page () {
  const found = caseFromFragment()
  if (!found) return go('/cases.html')
  const path = casePath(found.force_id, found.case_id)
  const [view, preferences] = await Promise.all([
    api('GET', path),
    api('GET', `${path}/preferences`).catch(() => null)
  ])
  const neutral = rememberBranding(preferences)
  const force = await brandFor(found.force_id)
  setTitle('Your case')
  $('.app-case-caption').textContent = neutral ? 'Your case' : `${view.category_label} – crime reference ${view.crime_reference}`
  $('.app-case-heading').textContent = stageLabel(view.stage)
  $('.app-stages').replaceChildren(...stages(view))
  $('.app-next-steps').textContent = view.next_steps
  $('.app-officer').replaceChildren(...officerRows(view.officer, force))
  $('.app-expected-reply').textContent = view.expected_reply
  $('.app-messages-link').href = pageFor('messages', found.key)
  $('.app-preferences-link').href = pageFor('preferences', found.key)
  $('.app-timeline').replaceChildren(...timeline(view.timeline))
  $('.app-recommended').replaceChildren(...view.recommended_articles.map((article) => el('li', {},
    el('a', { class: 'govuk-link', href: `/articles/${article.slug}.html#c=${found.key}` }, article.title),
    el('p', { class: 'govuk-body govuk-!-margin-top-1 govuk-!-margin-bottom-1' }, article.summary),
    el('p', { class: 'govuk-body-s' }, article.reason))))
  $('.app-tier').textContent = view.tier === 'enhanced'
    ? 'You have enhanced rights under the Victims\' Code: we must update you sooner and offer you more support.'
    : 'These are your rights under the Code of Practice for Victims of Crime (the Victims\' Code).'
  $('.app-rights').replaceChildren(...rights(view.rights))
  const unread = view.messages.filter((m) => m.unread).length
  if (unread) {
    const banner = notify($('.app-unread-slot'), {
      heading: `You have ${unread} new message${unread === 1 ? '' : 's'} from your officer`
    })
    banner.querySelector('.govuk-notification-banner__content').append(
      el('p', { class: 'govuk-body' }, el('a', { class: 'govuk-notification-banner__link', href: pageFor('messages', found.key) }, 'Read your messages')))
  }
  if (view.stage === 'closed') {
    $('.app-survey-slot').replaceChildren(
      el('h2', { class: 'govuk-heading-m' }, 'Tell us how we did'),
      el('p', { class: 'govuk-body' }, 'Your case is closed. ',
        el('a', { class: 'govuk-link', href: pageFor('survey', found.key) }, 'Answer 3 short questions about how we kept you informed'), '.'))
  }
  await accessSection(path)
  show($('.app-loading'), false)
  show($('.app-case'), true)
  if (read('neutral')) document.body.classList.add('app-neutral')
}
