// The admin page's forms: add a number, the template builder, registration by hand (providers without a template
// list API). Server-rendered; client/connections.ts, builder.ts and admin.ts wire them.
import { TEMPLATE_CATEGORIES } from '../core/template';

const categories = TEMPLATE_CATEGORIES.map((c) => <option value={c}>{c.toLowerCase()}</option>);

function Field(props: {
  id: string;
  label: string;
  name?: string;
  type?: string;
  placeholder?: string;
  required?: boolean;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name ?? props.id}
        type={props.type ?? 'text'}
        placeholder={props.placeholder}
        required={props.required}
        autocomplete="off"
      />
    </div>
  );
}

export function ConnectionForm() {
  return (
    <form id="add-connection" aria-labelledby="add-connection-title">
      <h3 id="add-connection-title">Add a WhatsApp number</h3>
      <div class="grid">
        <div class="field">
          <label for="new-provider">Provider</label>
          <select id="new-provider" name="provider">
            <option value="meta">Meta Cloud API</option>
            <option value="twilio">Twilio</option>
            <option value="cm">CM.com</option>
          </select>
        </div>
        <Field id="new-label" name="label" label="Name shown to agents" placeholder="Sales line" required />
        <Field
          id="new-phone"
          name="senderPhone"
          label="WhatsApp number (E.164)"
          type="tel"
          placeholder="+14155550100"
          required
        />
      </div>
      <fieldset id="fields-meta">
        <legend>Meta credentials</legend>
        <div class="grid">
          <Field id="meta-token" name="cred.accessToken" label="System user access token" type="password" />
          <Field id="meta-waba" name="cred.wabaId" label="WhatsApp Business Account id" />
          <Field id="meta-phone-id" name="cred.phoneNumberId" label="Phone number id" />
          <Field id="meta-secret" name="cred.appSecret" label="App secret (optional)" type="password" />
        </div>
      </fieldset>
      <fieldset id="fields-twilio" hidden>
        <legend>Twilio credentials</legend>
        <div class="grid">
          <Field id="twilio-sid" name="cred.accountSid" label="Account SID" placeholder="AC…" />
          <Field id="twilio-token" name="cred.authToken" label="Auth token" type="password" />
          <Field
            id="twilio-from"
            name="cred.from"
            label="WhatsApp sender (E.164)"
            placeholder="+14155550101"
          />
          <Field
            id="twilio-ms"
            name="cred.messagingServiceSid"
            label="Messaging service SID (optional)"
            placeholder="MG…"
          />
        </div>
      </fieldset>
      <fieldset id="fields-cm" hidden>
        <legend>CM.com credentials</legend>
        <div class="grid">
          <Field id="cm-token" name="cred.productToken" label="Product token" type="password" />
          <Field id="cm-from" name="cred.from" label="Sender number (E.164)" placeholder="+14155550102" />
        </div>
      </fieldset>
      <button type="submit">Test and connect</button>
      <p id="add-result" class="result" role="status" aria-live="polite"></p>
    </form>
  );
}

export function Builder() {
  return (
    <form id="template-builder" aria-labelledby="builder-title">
      <h3 id="builder-title">New template</h3>
      <div class="grid">
        <div class="field">
          <label for="builder-connection">Number</label>
          <select id="builder-connection"></select>
        </div>
        <Field id="tpl-name" label="Name (lowercase, digits, _)" placeholder="order_update" />
        <div class="field">
          <label for="tpl-language">Language</label>
          <select id="tpl-language" data-languages="">
            <option value="">choose…</option>
          </select>
        </div>
        <div class="field">
          <label for="tpl-category">Category</label>
          <select id="tpl-category">{categories}</select>
        </div>
        <div class="field">
          <label for="tpl-header-format">Header</label>
          <select id="tpl-header-format">
            <option value="NONE">none</option>
            <option value="TEXT">text</option>
            <option value="IMAGE">image</option>
            <option value="VIDEO">video</option>
            <option value="DOCUMENT">document</option>
          </select>
        </div>
      </div>
      <div id="tpl-header-text-field" hidden>
        <Field id="tpl-header-text" label="Header text (≤ 60, at most one variable)" />
      </div>
      <div id="tpl-header-media-field" hidden>
        <Field id="tpl-header-media" label="Header example media URL" type="url" />
      </div>
      <div class="field">
        <label for="tpl-body">Body (WhatsApp formatting, variables like {'{{1}}'})</label>
        <textarea id="tpl-body" rows={4} aria-describedby="lint-summary"></textarea>
      </div>
      <Field id="tpl-footer" label="Footer (optional, no variables)" />
      <fieldset>
        <legend>Buttons</legend>
        <div id="tpl-buttons"></div>
        <button type="button" id="add-button" class="secondary">
          Add a button
        </button>
      </fieldset>
      <fieldset>
        <legend>Examples</legend>
        <div id="tpl-examples"></div>
      </fieldset>
      <h4>Checks</h4>
      <p id="lint-summary" aria-live="polite"></p>
      <ul id="lint-findings"></ul>
      <button type="submit" id="submit-template" disabled>
        Submit for approval
      </button>
      <p id="submit-result" class="result" role="status" aria-live="polite"></p>
    </form>
  );
}

export function ManualCm() {
  return (
    <form id="manual-template" aria-labelledby="manual-title">
      <h3 id="manual-title">Register a CM.com template</h3>
      <p class="hint">
        CM.com has no template list API: copy an approved template's details from the CM.com portal.
      </p>
      <p id="manual-none" class="hint">
        Connect a CM.com number first.
      </p>
      <div class="grid">
        <div class="field">
          <label for="manual-connection">CM.com number</label>
          <select id="manual-connection"></select>
        </div>
        <Field id="manual-namespace" name="namespace" label="Namespace" required />
        <Field id="manual-element" name="elementName" label="Element name" required />
        <div class="field">
          <label for="manual-language">Language</label>
          <select id="manual-language" name="language" data-languages="" required>
            <option value="">choose…</option>
          </select>
        </div>
        <div class="field">
          <label for="manual-category">Category</label>
          <select id="manual-category" name="category">
            {categories}
          </select>
        </div>
      </div>
      <div class="field">
        <label for="manual-body">Body</label>
        <textarea id="manual-body" name="body" rows={3} required></textarea>
      </div>
      <Field id="manual-footer" name="footer" label="Footer (optional)" />
      <button type="submit">Register</button>
      <p id="manual-result" class="result" role="status" aria-live="polite"></p>
    </form>
  );
}
