// /ui/sidebar markup: everything the agent needs beside the CRM composer, usable at 320 px wide and in a
// Pipedrive panel of 100–750 px height. Order matters there: the customer header (collapsed to one line once the
// customer is known), the window badge, then the template picker when a template is required (it replaces the
// composer), the thread, the composer. The script (client/sidebar.ts) fills it once the session is known; nothing
// here depends on the tenant. Text comes from the page language's catalogue (i18n/).
import { TEMPLATE_CATEGORIES } from '../core/template';
import { translate, type Language, type MessageKey } from './i18n/index';
import { Layout } from './layout';

export function SidebarPage(props: { devMode: boolean; lang?: Language }) {
  const lang = props.lang ?? 'en';
  const tr = (key: MessageKey) => translate(lang, key);
  return (
    <Layout title={tr('sidebar.title')} script="sidebar" devMode={props.devMode} lang={lang}>
      <main class="sidebar">
        <header class="customer-header">
          <div id="customer-summary" class="customer-summary" hidden>
            <h1 id="contact-name"></h1>
            <button
              data-i18n="sidebar.change"
              type="button"
              id="change-customer"
              class="secondary small"
              aria-controls="contact-form"
              aria-expanded="false"
            >
              {tr('sidebar.change')}
            </button>
          </div>
          <form
            id="contact-form"
            aria-label={tr('sidebar.customer')}
            data-i18n-aria-label="sidebar.customer"
            novalidate
          >
            <div class="grid">
              <div>
                <label data-i18n="sidebar.phone.label" for="phone">
                  {tr('sidebar.phone.label')}
                </label>
                <input
                  id="phone"
                  name="phone"
                  type="text"
                  inputmode="tel"
                  autocomplete="off"
                  placeholder="+39 347 123 4567"
                  list="phone-options"
                  aria-describedby="phone-error phone-hint"
                />
                <datalist id="phone-options"></datalist>
                <p id="phone-error" class="field-error" aria-live="polite"></p>
                <p data-i18n="sidebar.phone.hint" id="phone-hint" class="hint">
                  {tr('sidebar.phone.hint')}
                </p>
              </div>
              <div>
                <label data-i18n="sidebar.connection.label" for="connection">
                  {tr('sidebar.connection.label')}
                </label>
                <select id="connection" name="connection"></select>
              </div>
            </div>
            <button data-i18n="sidebar.show" type="submit" class="secondary">
              {tr('sidebar.show')}
            </button>
          </form>
          <p id="window-badge" class="badge" hidden></p>
          <p id="fep-badge" class="fep" hidden></p>
          <p id="marketing-badge" class="fep" hidden></p>
        </header>
        <p id="status" class="status" role="status" aria-live="polite" hidden></p>
        {/* Said once per state change (open → under an hour → under 10 min → closed), never per tick. */}
        <p id="window-announce" class="sr-only" role="status" aria-live="polite"></p>
        <p id="ticks-announce" class="sr-only" role="status" aria-live="polite"></p>

        <section id="picker" class="panel" aria-labelledby="picker-title" hidden>
          <h2 data-i18n="sidebar.picker.title" id="picker-title">
            {tr('sidebar.picker.title')}
          </h2>
          <p id="picker-reason" class="why" hidden></p>
          <div id="draft" class="draft" hidden>
            <p data-i18n="sidebar.draft.title" class="hint">
              {tr('sidebar.draft.title')}
            </p>
            <blockquote id="draft-text"></blockquote>
            <button type="button" id="draft-template" class="small" hidden></button>
            <button data-i18n="sidebar.draft.copy" type="button" id="copy-draft" class="secondary small">
              {tr('sidebar.draft.copy')}
            </button>
          </div>
          <div id="template-choices">
            <ul
              id="template-list"
              class="template-list"
              aria-label={tr('sidebar.picker.list')}
              data-i18n-aria-label="sidebar.picker.list"
            ></ul>
            <p id="template-count" class="hint" aria-live="polite"></p>
            <div class="filters">
              <div>
                <label data-i18n="sidebar.picker.search" for="template-search">
                  {tr('sidebar.picker.search')}
                </label>
                <input
                  id="template-search"
                  type="search"
                  autocomplete="off"
                  placeholder={tr('sidebar.picker.searchPlaceholder')}
                  data-i18n-placeholder="sidebar.picker.searchPlaceholder"
                />
              </div>
              <div>
                <label data-i18n="sidebar.picker.language" for="template-language">
                  {tr('sidebar.picker.language')}
                </label>
                <select id="template-language">
                  <option data-i18n="sidebar.picker.allLanguages" value="">
                    {tr('sidebar.picker.allLanguages')}
                  </option>
                </select>
              </div>
              <div>
                <label data-i18n="sidebar.picker.category" for="template-category">
                  {tr('sidebar.picker.category')}
                </label>
                <select id="template-category">
                  <option data-i18n="sidebar.picker.allCategories" value="">
                    {tr('sidebar.picker.allCategories')}
                  </option>
                  {TEMPLATE_CATEGORIES.map((c) => (
                    <option value={c} data-i18n={`sidebar.picker.category.${c}`}>
                      {translate(lang, `sidebar.picker.category.${c}`)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          </div>
          <form id="template-form" hidden aria-labelledby="template-title" novalidate>
            <h3 id="template-title"></h3>
            <div id="variables"></div>
            <div id="header-media" class="field" hidden>
              <label id="header-media-label" for="header-media-url"></label>
              <input
                id="header-media-url"
                type="url"
                inputmode="url"
                placeholder="https://…"
                aria-describedby="header-media-error header-media-hint"
              />
              <p id="header-media-error" class="field-error" aria-live="polite"></p>
              <p data-i18n="sidebar.form.mediaHint" id="header-media-hint" class="hint">
                {tr('sidebar.form.mediaHint')}
              </p>
            </div>
            <h4 data-i18n="sidebar.form.preview" id="preview-title">
              {tr('sidebar.form.preview')}
            </h4>
            <div id="preview" class="preview" aria-labelledby="preview-title"></div>
            <p data-i18n="sidebar.form.unfilled" id="preview-unfilled" class="hint" hidden>
              {tr('sidebar.form.unfilled')}
            </p>
            <div class="row">
              <button
                data-i18n="sidebar.form.send"
                type="submit"
                id="send-template"
                aria-describedby="template-send-reason"
              >
                {tr('sidebar.form.send')}
              </button>
              <button data-i18n="sidebar.form.back" type="button" id="cancel-template" class="secondary">
                {tr('sidebar.form.back')}
              </button>
            </div>
            <p id="template-send-reason" class="hint"></p>
            <p id="template-error" class="field-error" aria-live="assertive"></p>
          </form>
        </section>

        <section aria-labelledby="thread-title">
          <h2 data-i18n="sidebar.thread.title" id="thread-title">
            {tr('sidebar.thread.title')}
          </h2>
          <ol
            id="thread"
            class="thread"
            tabindex={0}
            aria-label={tr('sidebar.thread.label')}
            data-i18n-aria-label="sidebar.thread.label"
          ></ol>
        </section>

        <section id="reply" aria-labelledby="reply-title">
          <h2 data-i18n="sidebar.reply.title" id="reply-title">
            {tr('sidebar.reply.title')}
          </h2>
          <form id="composer" data-state="none" novalidate>
            <label data-i18n="sidebar.reply.message" for="message-text">
              {tr('sidebar.reply.message')}
            </label>
            <textarea
              id="message-text"
              name="text"
              maxlength={4096}
              aria-describedby="composer-hint message-counter"
            ></textarea>
            <p id="message-counter" class="counter"></p>
            <p id="composer-hint" class="hint"></p>
            <div class="row">
              <button
                data-i18n="sidebar.reply.send"
                type="submit"
                id="send-text"
                aria-describedby="send-reason"
              >
                {tr('sidebar.reply.send')}
              </button>
              <button
                data-i18n="sidebar.reply.useTemplate"
                type="button"
                id="open-templates"
                class="secondary"
                aria-controls="picker"
                aria-expanded="false"
              >
                {tr('sidebar.reply.useTemplate')}
              </button>
            </div>
            <p id="send-reason" class="hint"></p>
            <p id="composer-error" class="field-error" aria-live="assertive"></p>
            <p id="composer-status" class="ok-line" role="status" aria-live="polite"></p>
          </form>
        </section>
      </main>
    </Layout>
  );
}
