// /ui/sidebar markup: everything the agent needs beside the CRM composer, usable at 320 px wide.
// The script (client/sidebar.ts) fills it once the session is known; nothing here depends on the tenant.
import { TEMPLATE_CATEGORIES } from '../core/template';
import { Layout } from './layout';

export function SidebarPage(props: { devMode: boolean }) {
  return (
    <Layout title="WhatsApp — wabridge" script="sidebar" devMode={props.devMode}>
      <main class="sidebar">
        <p id="status" class="status" role="status" aria-live="polite" hidden></p>
        <form id="contact-form" aria-label="Customer">
          <div class="grid">
            <div>
              <label for="phone">Customer WhatsApp number (or user ID for a username)</label>
              <input
                id="phone"
                name="phone"
                type="text"
                autocomplete="off"
                placeholder="+39 347 123 4567"
                list="phone-options"
              />
              <datalist id="phone-options"></datalist>
            </div>
            <div>
              <label for="connection">From our number</label>
              <select id="connection" name="connection"></select>
            </div>
          </div>
          <button type="submit" class="secondary">
            Show conversation
          </button>
        </form>
        <h1 id="contact-name" aria-live="polite"></h1>
        <p id="window-badge" class="badge" role="status" aria-live="polite" hidden></p>
        <p id="fep-badge" class="fep" hidden></p>

        <section aria-labelledby="thread-title">
          <h2 id="thread-title">Conversation</h2>
          <ol id="thread" class="thread" tabindex={0} aria-label="Recent messages"></ol>
        </section>

        <section aria-labelledby="reply-title">
          <h2 id="reply-title">Reply</h2>
          <form id="composer" data-state="none">
            <label for="message-text">Message</label>
            <textarea
              id="message-text"
              name="text"
              maxlength={4096}
              disabled
              aria-describedby="composer-hint"
            ></textarea>
            <p id="composer-hint" class="hint"></p>
            <div class="row">
              <button type="submit" id="send-text" disabled>
                Send
              </button>
              <button
                type="button"
                id="open-templates"
                class="secondary"
                aria-controls="picker"
                aria-expanded="false"
              >
                Use a template
              </button>
            </div>
          </form>
        </section>

        <section id="picker" class="panel" aria-labelledby="picker-title" hidden>
          <h2 id="picker-title">Approved templates</h2>
          <div id="template-choices">
            <label for="template-search">Search templates</label>
            <input id="template-search" type="search" autocomplete="off" placeholder="Name or text" />
            <div class="grid">
              <div>
                <label for="template-language">Language</label>
                <select id="template-language">
                  <option value="">All languages</option>
                </select>
              </div>
              <div>
                <label for="template-category">Category</label>
                <select id="template-category">
                  <option value="">All categories</option>
                  {TEMPLATE_CATEGORIES.map((c) => (
                    <option value={c}>{c.toLowerCase()}</option>
                  ))}
                </select>
              </div>
            </div>
            <p id="template-count" class="hint" aria-live="polite"></p>
            <ul id="template-list" class="template-list" aria-label="Templates"></ul>
          </div>
          <form id="template-form" hidden aria-labelledby="template-title">
            <h3 id="template-title"></h3>
            <div id="variables"></div>
            <div id="header-media" class="field" hidden>
              <label id="header-media-label" for="header-media-url">
                Header media URL
              </label>
              <input
                id="header-media-url"
                type="url"
                placeholder="https://…"
                aria-describedby="header-media-error"
              />
              <p id="header-media-error" class="field-error" aria-live="polite"></p>
            </div>
            <h3>Preview</h3>
            <div id="preview" class="preview" aria-live="polite"></div>
            <div class="row">
              <button type="submit" id="send-template" disabled>
                Send template
              </button>
              <button type="button" id="cancel-template" class="secondary">
                Back to the list
              </button>
            </div>
          </form>
        </section>
      </main>
    </Layout>
  );
}
