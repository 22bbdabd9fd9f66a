// The page components build.mjs fills in (described in README.md). In a page, `{{> name key="value" flag}}`
// includes a component and `{{#name …}}…{{/name}}` gives it a body. Tags stand alone on their line(s);
// a component's output takes its tag's indentation. Attribute values are HTML, written as-is.

const TAG = /^([ \t]*)\{\{([#>/])\s*([a-z-]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\}\}[ \t]*\n/gm
const ATTR = /([a-z-]+)(?:="([^"]*)")?/g

export const REPORT_NOSCRIPT = '<noscript><p class="govuk-body">You need to turn on JavaScript to report a crime online. ' +
  'You can call 101 instead, or 999 in an emergency.</p></noscript>'

// Joins the lines given, leaving out empty ones; nest() indents a block by one level (2 spaces).
const lines = (...parts) => parts.filter(Boolean).join('\n')
export const indent = (text, pad) => text.replace(/^(?=.)/gm, pad)
const nest = (text) => text && indent(text, '  ')
const attr = (name, value) => value ? ` ${name}="${value}"` : ''

// "yes=Yes|no=No|not-sure=I am not sure" → [['yes', 'Yes'], ['no', 'No'], ['not-sure', 'I am not sure']]
const parseOptions = (text) => text.split('|').map((option) => {
  const at = option.indexOf('=')
  return [option.slice(0, at), option.slice(at + 1)]
})

const hintId = (a, base = a.name) => a['hint-id'] ?? `${base}-hint`
const hint = (a, base) => a.hint && `<div class="govuk-hint" id="${hintId(a, base)}">${a.hint}</div>`
const caption = (ctx) => ctx.caption && `<span class="govuk-caption-l">${ctx.caption}</span>`
const formGroup = (inner, more = '', extra = '') => lines(`<div class="govuk-form-group${more}"${extra}>`, nest(inner), '</div>')
const button = (text) => `<button type="submit" class="govuk-button" data-module="govuk-button">${text}</button>`

function legend (a, ctx) {
  if (!a.heading) return `<legend class="govuk-fieldset__legend govuk-fieldset__legend--${a.size ?? 's'}">${a.legend}</legend>`
  return lines('<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">',
    nest(caption(ctx)), nest(`<h1 class="govuk-fieldset__heading">${a.legend}</h1>`), '</legend>')
}

// A question that is a group of fields: legend (the page heading with `heading`), hint, then the body.
function fieldset (a, body, ctx) {
  const describedBy = [a.hint && hintId(a), a.describedby].filter(Boolean).join(' ')
  return formGroup(lines(`<fieldset class="govuk-fieldset"${attr('role', a.role)}${attr('aria-describedby', describedBy)}>`,
    nest(legend(a, ctx)), nest(hint(a)), nest(body), '</fieldset>'))
}

function label (a, id) {
  const text = `<label class="govuk-label${a.size ? ` govuk-label--${a.size}` : ''}" for="${id}">${a.label}</label>`
  const wrapper = a.heading === true ? 'h1' : a.heading
  return wrapper ? `<${wrapper} class="govuk-label-wrapper">${text}</${wrapper}>` : text
}

const PASSED_ON = ['autocomplete', 'spellcheck', 'inputmode', 'autocapitalize', 'maxlength', 'tabindex']

function input (a) {
  const id = a.id ?? a.name
  const passed = Object.entries(a).filter(([key]) => PASSED_ON.includes(key)).map(([k, v]) => attr(k, v)).join('')
  const control = `<input class="govuk-input${a.width ? ` govuk-input--width-${a.width}` : ''}" id="${id}" name="${a.name}" ` +
    `type="${a.type ?? 'text'}"${passed}${attr('aria-describedby', a.hint && `${id}-hint`)}>`
  const wrapped = a.prefix
    ? lines('<div class="govuk-input__wrapper">', nest(`<div class="govuk-input__prefix" aria-hidden="true">${a.prefix}</div>`),
      nest(control), '</div>')
    : control
  return formGroup(lines(label(a, id), hint(a, id), wrapped))
}

// A textarea; with count="2000" a GOV.UK character count.
function textarea (a) {
  const id = a.name
  const describedBy = [a.count && `${id}-info`, a.hint && `${id}-hint`].filter(Boolean).join(' ')
  const control = `<textarea class="govuk-textarea${a.count ? ' govuk-js-character-count' : ''}" id="${id}" name="${id}" ` +
    `rows="${a.rows ?? 3}"${attr('aria-describedby', describedBy)}></textarea>`
  if (!a.count) return formGroup(lines(label(a, id), hint(a), control))
  const limit = a.count.replace(/\B(?=(\d{3})+$)/g, ',')
  return formGroup(lines(label(a, id), hint(a), control,
    `<div id="${id}-info" class="govuk-hint govuk-character-count__message">You can enter up to ${limit} characters</div>`),
  ' govuk-character-count', ` data-module="govuk-character-count" data-maxlength="${a.count}"`)
}

function radio (a, value, text, reveal) {
  const id = `${a.id ?? a.name}-${value}`
  return lines('<div class="govuk-radios__item">',
    nest(`<input class="govuk-radios__input" id="${id}" name="${a.name}" type="radio" value="${value}"` +
      `${attr('data-aria-controls', reveal && `conditional-${id}`)}>`),
    nest(`<label class="govuk-label govuk-radios__label" for="${id}">${text}</label>`), '</div>',
    reveal && lines(`<div class="govuk-radios__conditional govuk-radios__conditional--hidden" id="conditional-${id}">`,
      nest(reveal), '</div>'))
}

// Radios; the body, if any, is revealed when the option named by reveal="…" is chosen.
function radios (a, body, ctx) {
  const items = parseOptions(a.options).map(([value, text]) => radio(a, value, text, value === a.reveal && body))
  return fieldset(a, lines(`<div class="govuk-radios${a.inline ? ' govuk-radios--inline' : ''}" data-module="govuk-radios">`,
    ...items.map(nest), '</div>'), ctx)
}

function checkboxItem ({ id, name, value, text, hint }) {
  return lines('<div class="govuk-checkboxes__item">',
    nest(`<input class="govuk-checkboxes__input" id="${id}" name="${name}" type="checkbox" value="${value}"` +
      `${attr('aria-describedby', hint && `${id}-hint`)}>`),
    nest(`<label class="govuk-label govuk-checkboxes__label" for="${id}">${text}</label>`),
    nest(hint && `<div class="govuk-hint govuk-checkboxes__hint" id="${id}-hint">${hint}</div>`), '</div>')
}

const checkboxList = (items, small) =>
  lines(`<div class="govuk-checkboxes${small ? ' govuk-checkboxes--small' : ''}" data-module="govuk-checkboxes">`,
    ...items.map(nest), '</div>')

// Checkboxes sharing name="…" (values from options); without a name, each option is its own yes field.
function checkboxes (a, body, ctx) {
  const items = parseOptions(a.options).map(([key, text]) => a.name
    ? checkboxItem({ id: `${a.id ?? a.name}-${key}`, name: a.name, value: key, text })
    : checkboxItem({ id: key, name: key, value: 'yes', text }))
  return fieldset(a, checkboxList(items), ctx)
}

const DATE_PARTS = [['day', 'Day', 2], ['month', 'Month', 2], ['year', 'Year', 4]]

// Day, month and year; autocomplete="bday" gives bday-day, bday-month and bday-year.
function date (a, body, ctx) {
  const parts = DATE_PARTS.map(([part, text, width]) => lines('<div class="govuk-date-input__item">', nest(formGroup(lines(
    `<label class="govuk-label govuk-date-input__label" for="${a.name}-${part}">${text}</label>`,
    `<input class="govuk-input govuk-date-input__input govuk-input--width-${width}" id="${a.name}-${part}" ` +
      `name="${a.name}-${part}" type="text" inputmode="numeric" autocomplete="${a.autocomplete ? `${a.autocomplete}-${part}` : 'off'}">`
  ))), '</div>'))
  return fieldset({ ...a, role: 'group' }, lines(`<div class="govuk-date-input" id="${a.name}">`, ...parts.map(nest), '</div>'), ctx)
}

function stolenItem (a, body, ctx) {
  const n = a.number
  return fieldset({ legend: `Stolen item ${n}${a.optional ? ' (optional)' : ''}` }, lines(
    input({ name: `item-${n}-description`, label: 'What it was', autocomplete: 'off' }),
    input({ name: `item-${n}-value`, label: 'Roughly what it was worth', prefix: '£', width: '10', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false' })
  ), ctx)
}

const warning = (a) => lines('<div class="govuk-warning-text">', nest('<span class="govuk-warning-text__icon" aria-hidden="true">!</span>'),
  nest(lines('<strong class="govuk-warning-text__text">', nest('<span class="govuk-visually-hidden">Warning</span>'), nest(a.text), '</strong>')),
  '</div>')

export const COMPONENTS = {
  heading: (a, body, ctx) => lines(caption(ctx), `<h1 class="govuk-heading-l">${a.text ?? ctx.title}</h1>`),
  fieldset,
  input,
  textarea,
  radios,
  checkboxes,
  checkbox: (a) => formGroup(checkboxList([checkboxItem({ id: a.name, name: a.name, value: 'yes', text: a.label, hint: a.hint })], a.small)),
  date,
  'stolen-item': stolenItem,
  warning,
  'report-noscript': () => REPORT_NOSCRIPT,
  // Where the case page says how a request to the force stands: a tag, then its lines (js/case-*.js)
  'request-status': (a) => lines(`<div class="app-${a.name}-status" hidden>`,
    nest(`<p class="govuk-body"><strong class="govuk-tag app-${a.name}-tag"></strong></p>`),
    nest(`<div class="app-${a.name}-lines"></div>`), '</div>')
}

// Page chromes, chosen in a page's front matter (`form: report`): they wrap the page's content.
export const FORMS = {
  report: {
    caption: 'Report a crime',
    wrap: (content) => lines('<a href="/report-start.html" class="govuk-back-link app-report-back">Back</a>',
      '<div class="app-error-summary-slot"></div>', REPORT_NOSCRIPT, '<form id="report-form" novalidate class="app-js-only">',
      nest(content), nest(button('Continue')), '</form>')
  }
}

function parse (text) {
  const root = { children: [] }
  const stack = [root]
  let last = 0
  for (const match of text.matchAll(TAG)) {
    const [whole, pad, kind, name, attrs] = match
    const top = stack.at(-1)
    top.children.push(text.slice(last, match.index))
    last = match.index + whole.length
    if (kind === '/') {
      if (top.name !== name) throw new Error(`{{/${name}}} closes nothing`)
      stack.pop()
      continue
    }
    if (!COMPONENTS[name]) throw new Error(`{{${kind} ${name}}}: no such component`)
    const node = { name, pad, attrs: Object.fromEntries([...attrs.matchAll(ATTR)].map(([, k, v]) => [k, v ?? true])), children: [] }
    top.children.push(node)
    if (kind === '#') stack.push(node)
  }
  if (stack.length > 1) throw new Error(`{{#${stack.at(-1).name}}} is not closed`)
  root.children.push(text.slice(last))
  return root.children
}

function dedent (text) {
  const pads = text.match(/^[ \t]*(?=\S)/gm) ?? []
  const least = Math.min(...pads.map((pad) => pad.length))
  return text.replace(new RegExp(`^[ \\t]{${Number.isFinite(least) ? least : 0}}`, 'gm'), '').replace(/\n$/, '')
}

function renderNodes (nodes, ctx) {
  return nodes.map((node) => typeof node === 'string'
    ? node
    : indent(COMPONENTS[node.name](node.attrs, dedent(renderNodes(node.children, ctx)), ctx), node.pad) + '\n').join('')
}

// Fills in the components of a page's content; ctx holds the page's title and, in a form, its caption.
export function renderComponents (content, ctx) {
  const html = renderNodes(parse(content), ctx)
  const stray = html.match(/\{\{[#>/][^}]*\}\}/)
  if (stray) throw new Error(`${stray[0]}: a component tag stands alone on its line(s)`)
  return html
}
