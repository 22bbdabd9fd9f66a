// "Your data" in plain English: the download (GET /v1/me/data, format caseline.export.v1, see
// docs/data-rights.md) laid out in sections with headings, for reading on screen or printing to paper or
// PDF. Every value is inserted as text, never as HTML.
import { categoryLabel } from './report-categories.js'
import { fromApi, safeHoursSentence } from './safe-hours.js'
import { channelList, el, stageLabel, when } from './ui.js'

const LANGUAGES = { en: 'English', cy: 'Welsh' }
const TIERS = { standard: 'Standard', enhanced: 'Enhanced: you are entitled to extra support under the Victims\' Code' }
const REQUESTS = {
  'org.caseline.victim.message-sent.v1': 'You sent a message to your officer',
  'org.caseline.victim.update-requested.v1': 'You asked for an update',
  'org.caseline.victim.preferences-changed.v1': 'You asked to change how we contact you',
  'org.caseline.victim.survey-answered.v1': 'You answered the survey about your case',
  'org.caseline.victim.linked-account-removed.v1': 'You removed another account\'s access to your case',
  'org.caseline.victim.review-requested.v1': 'You asked for a review of our decision',
  'org.caseline.victim.statement-requested.v1': 'You asked to give a personal statement',
  'org.caseline.victim.delegate-removed.v1': 'You removed someone\'s access to your case'
}
// Anything sent that this page has no words for yet: a plain sentence, never the event's type
const REQUEST_UNKNOWN = 'You sent something to the police about your case'
const RELATIONSHIPS = {
  family: 'Family member',
  friend: 'Friend',
  advocate: 'Advocate or support worker',
  'parent-guardian': 'Parent or guardian',
  'family-spokesperson': 'Family spokesperson'
}
const SCOPES = { view: 'Read the case', message: 'Read the case and write to the officer' }
const GRANTED_BY = { victim: 'The person the case is about', force: 'The police' }
const REQUEST_STATUS = {
  pending: 'Waiting to be sent',
  queued: 'On its way to the police',
  delivered: 'Received by the police',
  delayed: 'Delayed: we are still trying to send it'
}
const REPORT_STATUS = {
  submitted: 'Sent',
  received: 'Received by the police',
  recorded: 'Recorded as a crime',
  'not-recorded': 'Not recorded as a crime'
}

const yesNo = (value) => (value ? 'Yes' : 'No')
const channels = (list) => (list.length ? channelList(list) : 'None')
const hours = (range) => safeHoursSentence(range && fromApi(range.start), range && fromApi(range.end))

// A summary list from [key, value] pairs; pairs without a value are left out.
function pairs (rows) {
  return el('dl', { class: 'govuk-summary-list app-my-data__list' },
    rows.filter(([, value]) => value !== null && value !== undefined && value !== '').map(([key, value]) =>
      el('div', { class: 'govuk-summary-list__row' },
        el('dt', { class: 'govuk-summary-list__key' }, key),
        el('dd', { class: 'govuk-summary-list__value' }, value))))
}

function heading (level, text) {
  return el(`h${level}`, { class: level === 3 ? 'govuk-heading-m' : 'govuk-heading-s' }, text)
}

function none (text) {
  return el('p', { class: 'govuk-body' }, text)
}

function yourDetails (details) {
  if (!details) return none('The police have not sent us any contact details for you on this case.')
  const safe = details.safe_contact
  return pairs([
    ['Name', details.name],
    ['Email address', details.email],
    ['Mobile number', details.mobile],
    ['Language', LANGUAGES[details.language] || details.language],
    ['Level of support', TIERS[details.tier] || details.tier],
    ['Safe ways to contact you', channels(safe.safe_channels)],
    ['Safe times to contact you', hours(safe.safe_hours)],
    ['Messages may mention the police', yesNo(safe.may_name_police)],
    ['Messages may mention the crime', yesNo(safe.may_name_crime)]
  ])
}

function yourPreferences (own) {
  if (!own) return none('You have not changed your contact preferences for this case. We contact you in the ways the police said are safe.')
  const noNews = own.no_news_days ? `Every ${own.no_news_days} days` : 'Never: only when something happens'
  return pairs([
    ['How we contact you', channels(own.channels)],
    ['When we contact you', hours(own.safe_hours)],
    ['Messages may mention the police', yesNo(own.name_police)],
    ['Messages may mention the crime', yesNo(own.name_crime)],
    ['Updates when there is no news', noNews],
    ['Language', own.language ? LANGUAGES[own.language] || own.language : null],
    ['Which messages', own.non_statutory ? 'All updates about your case' : 'Only the messages the Victims\' Code requires']
  ])
}

function timeline (entries) {
  if (!entries.length) return none('Nothing has happened on your case yet.')
  return el('ol', { class: 'govuk-list app-my-data__events' }, entries.map((entry) =>
    el('li', {}, el('strong', {}, entry.title), el('br'), el('span', { class: 'govuk-body-s' }, when(entry.occurred_at)))))
}

function messages (list) {
  if (!list.length) return none('You have not sent any messages about this case.')
  return el('ul', { class: 'app-thread' }, list.map((message) => el('li', { class: 'app-thread__message' },
    el('p', { class: 'govuk-body-s app-thread__meta' }, `You wrote, ${when(message.sent_at)}`),
    el('p', { class: 'govuk-body app-thread__text' }, message.text))))
}

function requests (list) {
  if (!list.length) return none('You have not sent anything to the police through this service about this case.')
  return pairs(list.map((request) => [when(request.created_at),
    `${REQUESTS[request.type] || REQUEST_UNKNOWN}. ${REQUEST_STATUS[request.status] || request.status}.` +
    (request.reasons ? ` You wrote: ${request.reasons}` : '')]))
}

function survey (answers) {
  if (!answers) return none('You have not answered the survey about this case.')
  return pairs([
    ['Overall satisfaction', `${answers.satisfaction} out of 5`],
    ['How well you were kept informed', `${answers.kept_informed} out of 5`],
    ['How easy this service was to use', `${answers.easy_to_use} out of 5`],
    ['Your comments', answers.comments],
    ['Answered', when(answers.answered_at)]
  ])
}

function safetyAlerts (list) {
  if (!list || !list.length) return none('We have not asked you to confirm any news about this case.')
  return pairs(list.map((alert) => [alert.title,
    alert.acknowledged_at ? `You confirmed you had seen it on ${when(alert.acknowledged_at)}` : 'Not confirmed yet']))
}

function caseSection (item, forceName) {
  const officer = item.officer
  return el('section', { class: 'app-my-data__case' },
    heading(3, `Your case: crime reference ${item.crime_reference}`),
    pairs([
      ['Type of crime', item.category ? categoryLabel(item.category) : null],
      ['Stage', stageLabel(item.stage)],
      ['Officer', officer ? [officer.name, officer.collar_number && `collar number ${officer.collar_number}`].filter(Boolean).join(', ') : 'Not assigned yet'],
      ['Officer\'s team', officer && officer.team_contact],
      ['Police force', forceName(item.force_id)]
    ]),
    heading(4, 'Your contact details as the police hold them'), yourDetails(item.your_details),
    heading(4, 'Your contact preferences'), yourPreferences(item.your_preferences),
    heading(4, 'What has happened'), timeline(item.timeline),
    heading(4, 'Your messages'), messages(item.your_messages),
    heading(4, 'What you sent to the police'), requests(item.requests_to_the_force),
    heading(4, 'Your survey answers'), survey(item.your_survey),
    heading(4, 'News we asked you to confirm'), safetyAlerts(item.your_safety_alerts),
    heading(4, 'People following your case for you'), peopleFollowing(item.people_following_your_case))
}

function peopleFollowing (list) {
  if (!list || !list.length) return none('Nobody follows this case for you.')
  return pairs(list.map((person) => [person.name || 'Someone',
    [RELATIONSHIPS[person.relationship], SCOPES[person.scope], person.granted_by === 'force' ? 'Set up by the police' : null]
      .filter(Boolean).join('. ') + '.']))
}

// A case the account follows for someone else (delegated access): how, and what the account sent there.
function followedSection (item, forceName) {
  return el('section', { class: 'app-my-data__case' },
    heading(3, `A case you follow for someone else: crime reference ${item.crime_reference}`),
    pairs([
      ['Who they are to you', RELATIONSHIPS[item.relationship] || null],
      ['What you can do', SCOPES[item.scope] || null],
      ['Who gave you access', GRANTED_BY[item.granted_by] || null],
      ['You started following it', item.accepted_at ? when(item.accepted_at) : null],
      ['Police force', forceName(item.force_id)]
    ]),
    heading(4, 'Your messages'), messages(item.your_messages || []),
    heading(4, 'What you sent to the police'), requests(item.requests_to_the_force || []))
}

const label = (key) => key.charAt(0).toUpperCase() + key.slice(1).replaceAll('_', ' ')

// A report's answers as submitted: nested answers become nested lists.
function answer (value) {
  if (typeof value === 'boolean') return yesNo(value)
  if (Array.isArray(value)) return el('ul', { class: 'govuk-list govuk-list--bullet' }, value.map((v) => el('li', {}, answer(v))))
  if (value && typeof value === 'object') return pairs(Object.entries(value).map(([key, v]) => [label(key), v === null ? null : answer(v)]))
  return String(value)
}

function reportSection (report) {
  return el('section', { class: 'app-my-data__case' },
    heading(4, `Report ${report.report_reference}`),
    pairs([
      ['What happened', categoryLabel(report.category)],
      ['Sent', when(report.submitted_at)],
      ['Status', REPORT_STATUS[report.status] || report.status],
      ['Crime reference', report.crime_reference],
      ['Why it was not recorded', report.reason],
      ['Where to go instead', report.where_to_go],
      ['Your answers', answer(report.your_answers)]
    ]))
}

// forceName(forceId): the force's name from the configuration.
export function myDataView (data, { onPrint, forceName }) {
  const print = el('button', { type: 'button', class: 'govuk-button govuk-button--secondary app-no-print', 'data-module': 'govuk-button' }, 'Print or save as PDF')
  print.addEventListener('click', onPrint)
  return [
    el('h2', { class: 'govuk-heading-l', id: 'my-data-heading', tabindex: '-1' }, 'Your data'),
    el('p', { class: 'govuk-body' }, `Everything this service holds about you, on ${when(data.generated_at)}.`),
    print,
    heading(3, 'Your account'),
    pairs([['Email address you sign in with', data.account.email || 'Not known']]),
    data.cases.length ? data.cases.map((item) => caseSection(item, forceName)) : [heading(3, 'Your cases'), none('No cases are linked to your account.')],
    (data.following || []).map((item) => followedSection(item, forceName)),
    heading(3, 'Crimes you reported online'),
    data.reports.length ? data.reports.map(reportSection) : none('You have not reported a crime online while signed in.'),
    heading(3, 'What is not included, and why'),
    el('ul', { class: 'govuk-list govuk-list--bullet' }, data.not_included.map((line) => el('li', {}, line)))
  ]
}
