// Writes the servable portal to dist/: GOV.UK Frontend's compiled CSS, JS and assets from
// node_modules, every page in src/pages wrapped in src/layout.html, the ES modules, and one static
// page per shared support article (so articles can be read without JavaScript).
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { COMPONENTS, FORMS, indent, renderComponents } from './components.mjs'
import { ARTICLE_ID, articleId, documentTitle } from './src/js/neutral.js'

const here = dirname(fileURLToPath(import.meta.url))
const src = join(here, 'src')
const dist = join(here, 'dist')
const govuk = join(here, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const articlesIndex = join(here, '..', 'layers', 'core', 'caseline', 'content', 'articles.json')

export function escapeHtml (text) {
  return String(text)
    .replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;').replaceAll("'", '&#39;')
}

// The GDS Transport font is for GOV.UK services only: Caseline is a police force's service, so the
// stylesheet falls back to Arial (the Design System's own fallback) and loads no font file.
export function withoutTransportFont (css) {
  return css
    .replace(/@font-face\{[^}]*\}/g, '')
    .replaceAll('font-family:GDS Transport,arial,sans-serif', 'font-family:arial,sans-serif')
    .replaceAll('font-family:GDS Transport', 'font-family:arial')
}

// Article bodies are safe HTML rendered at build time (raw HTML shown as text): give the elements
// the Design System's classes.
export function styledArticleHtml (html) {
  return html
    .replaceAll('<p>', '<p class="govuk-body">')
    .replaceAll('<h2>', '<h2 class="govuk-heading-m">')
    .replaceAll('<h3>', '<h3 class="govuk-heading-s">')
    .replaceAll('<ul>', '<ul class="govuk-list govuk-list--bullet">')
    .replaceAll('<ol>', '<ol class="govuk-list govuk-list--number">')
    .replaceAll('<a href=', '<a class="govuk-link" href=')
    .replace(/href="\/articles\/([a-z0-9-]+)"/g, 'href="/articles/$1.html"')
}

function parsePage (text, name) {
  const match = text.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/)
  if (!match) throw new Error(`${name}: front matter missing`)
  const meta = { page: name, auth: 'none' }
  for (const line of match[1].split('\n')) {
    const [key, ...rest] = line.split(':')
    meta[key.trim()] = rest.join(':').trim()
  }
  if (!meta.title) throw new Error(`${name}: title missing`)
  return { meta, content: match[2] }
}

// The tab's title as written: the page's own, or (meta.neutral: an article's opaque copy, opened only in
// neutral mode) the neutral one; neutral-title.js puts data-neutral-title in its place in neutral mode.
function render (layout, meta, content) {
  const neutralTitle = documentTitle(meta.title, { neutral: true })
  return layout
    .replaceAll('{{document_title}}', escapeHtml(meta.neutral ? neutralTitle : documentTitle(meta.title)))
    .replaceAll('{{neutral_title}}', escapeHtml(neutralTitle))
    .replaceAll('{{title}}', escapeHtml(meta.title))
    .replaceAll('{{page}}', escapeHtml(meta.page))
    .replaceAll('{{auth}}', escapeHtml(meta.auth))
    .replace('{{content}}', () => content)
}

// A page's content, components filled in (in its form's chrome if the front matter names one: `form: report`),
// in the layout's two-thirds column. A form page opens with its title as the heading, unless a component on
// it is the heading (a question with `heading`, a field with `heading="h1"`).
function pageBody (meta, content) {
  const form = meta.form && FORMS[meta.form]
  if (meta.form && !form) throw new Error(`${meta.page}: no form ${meta.form}`)
  const ctx = { title: escapeHtml(meta.title), caption: form?.caption }
  const filled = renderComponents(content, ctx)
  const headed = form && !/<h1[\s>]/.test(filled) ? `${COMPONENTS.heading({}, '', ctx)}\n${filled}` : filled
  const body = form ? `${form.wrap(headed.replace(/\n$/, ''))}\n` : headed
  const column = meta.width === 'full' ? 'full' : 'two-thirds' // `width: full` for wide tables (insights.html)
  return `      <div class="govuk-grid-row">\n        <div class="govuk-grid-column-${column}">\n${indent(body, ' '.repeat(10))}` +
    '        </div>\n      </div>\n'
}

const KIND_HEADINGS = [
  ['safety', 'Keeping safe'],
  ['guide', 'Guides'],
  ['outcome', 'What an outcome means'],
  ['service', 'Support services']
]

function articleList (articles) {
  return KIND_HEADINGS.map(([kind, heading]) => {
    const items = articles.filter((a) => a.kind === kind)
    if (!items.length) return ''
    const list = items.map((a) => `
        <li><a class="govuk-link" href="/articles/${a.slug}.html">${escapeHtml(a.title)}</a>
          <p class="govuk-body govuk-!-margin-top-1">${escapeHtml(a.summary)}</p></li>`).join('')
    return `
      <h2 class="govuk-heading-m">${heading}</h2>
      <ul class="govuk-list app-article-list">${list}
      </ul>`
  }).join('\n')
}

function articlePage (article) {
  const service = article.service
    ? `
      <h2 class="govuk-heading-m">Contact ${escapeHtml(article.service.name)}</h2>
      <ul class="govuk-list">
        <li><a class="govuk-link" href="${escapeHtml(article.service.web)}" rel="noreferrer">${escapeHtml(article.service.name)} website</a></li>
        ${article.service.phone ? `<li>Phone: ${escapeHtml(article.service.phone)}</li>` : ''}
        ${article.service.hours ? `<li>${escapeHtml(article.service.hours)}</li>` : ''}
      </ul>`
    : ''
  return `
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <a href="/cases.html" class="govuk-back-link app-back-to-case" hidden>Back to your case</a>
          <a href="/articles.html" class="govuk-back-link app-all-articles">All help and support</a>
          <h1 class="govuk-heading-l">${escapeHtml(article.title)}</h1>
          <p class="govuk-body-l">${escapeHtml(article.summary)}</p>
          ${styledArticleHtml(article.body_html)}
          ${service}
        </div>
      </div>`
}

export function build () {
  rmSync(dist, { recursive: true, force: true })
  mkdirSync(join(dist, 'govuk'), { recursive: true })
  writeFileSync(join(dist, 'govuk', 'govuk-frontend.min.css'),
    withoutTransportFont(readFileSync(join(govuk, 'govuk-frontend.min.css'), 'utf8')).replace(/\/\*# sourceMappingURL=.*\*\//, ''))
  writeFileSync(join(dist, 'govuk', 'govuk-frontend.min.js'),
    readFileSync(join(govuk, 'govuk-frontend.min.js'), 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, ''))
  cpSync(join(govuk, 'assets', 'images'), join(dist, 'assets', 'images'), { recursive: true })
  cpSync(join(src, 'js'), join(dist, 'js'), { recursive: true })
  // The one bundled module: Cognito's SRP proof and the library it comes from (src/vendor/cognito-srp.mjs).
  buildSync({
    entryPoints: [join(src, 'vendor', 'cognito-srp.mjs')],
    outfile: join(dist, 'js', 'vendor', 'cognito-srp.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    define: { global: 'globalThis' }, // the library's Buffer polyfill reads Node's `global`
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning'
  })
  cpSync(join(src, 'app.css'), join(dist, 'app.css'))
  cpSync(join(src, 'favicon.svg'), join(dist, 'favicon.svg'))

  const layout = readFileSync(join(src, 'layout.html'), 'utf8')
  const shared = JSON.parse(readFileSync(articlesIndex, 'utf8')).articles
    .filter((a) => !a.force && a.language === 'en')
    .sort((a, b) => a.title.localeCompare(b.title))
  let pages = 0
  for (const file of readdirSync(join(src, 'pages')).filter((f) => f.endsWith('.html'))) {
    const name = file.replace(/\.html$/, '')
    const { meta, content } = parsePage(readFileSync(join(src, 'pages', file), 'utf8'), name)
    const filled = pageBody(meta, content).replace(/^ *\{\{article_list\}\}/m, () => articleList(shared))
    writeFileSync(join(dist, file), render(layout, meta, filled))
    pages += 1
  }
  mkdirSync(join(dist, 'articles'), { recursive: true })
  const ids = new Set()
  for (const article of shared) {
    const meta = { page: 'article', auth: 'none', title: article.title }
    const id = articleId(article.slug)
    if (ARTICLE_ID.test(article.slug) || ids.has(id)) throw new Error(`article ${article.slug}: its opaque id ${id} is not unique`)
    ids.add(id)
    writeFileSync(join(dist, 'articles', `${article.slug}.html`), render(layout, meta, articlePage(article)))
    // The same article at an opaque address, for neutral mode: no slug in the browser's history (neutral.js)
    writeFileSync(join(dist, 'articles', `${id}.html`), render(layout, { ...meta, neutral: true }, articlePage(article)))
  }
  return { pages, articles: shared.length }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { pages, articles } = build()
  console.log(`portal/dist: ${pages} pages, ${articles} articles`)
}
