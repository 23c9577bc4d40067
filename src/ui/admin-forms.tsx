// The admin page's forms: add a number, the template builder, registration by hand (providers without a template
// list API). Server-rendered; client/connections.ts, builder.ts and admin.ts wire them.
import type { CredentialsForm, ProviderModule } from '../../adapters/providers/provider-module';
import { PROVIDER_MODULES } from '../../adapters/providers/registry';
import { TEMPLATE_CATEGORIES } from '../core/template';
import type { AdminKey } from './i18n/admin/index';

/** The page language's admin words (i18n/admin). */
export type Tx = (key: AdminKey) => string;

const categories = (tx: Tx) =>
  TEMPLATE_CATEGORIES.map((c) => <option value={c}>{tx(`admin.category.${c}`)}</option>);

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

/**
 * A provider's credential inputs, as its module describes them (`credentialsForm`); labels from the admin
 * catalogue. client/connections.ts shows the chosen provider's fieldset (`fields-<name>`) and disables the others.
 */
function CredentialsFieldset(props: {
  module: ProviderModule;
  form: CredentialsForm;
  hidden: boolean;
  tx: Tx;
}) {
  const { module, form, tx } = props;
  const secret = new Set(module.secretFields);
  return (
    <fieldset id={`fields-${module.name}`} hidden={props.hidden}>
      <legend>{tx(form.legendKey as AdminKey)}</legend>
      <div class="grid">
        {form.fields.map((field) => (
          <Field
            id={`${module.name}-${field.name}`}
            name={`cred.${field.name}`}
            label={tx(field.labelKey as AdminKey)}
            type={secret.has(field.name) ? 'password' : undefined}
            placeholder={field.placeholder}
          />
        ))}
      </div>
    </fieldset>
  );
}

/** The providers the page can connect: every module that describes its credentials form, in registry order. */
const connectable = () =>
  Object.values(PROVIDER_MODULES).flatMap((module) =>
    module.credentialsForm ? [{ module, form: module.credentialsForm }] : [],
  );

export function ConnectionForm({ tx }: { tx: Tx }) {
  const providers = connectable();
  return (
    <form id="add-connection" aria-labelledby="add-connection-title">
      <h3 id="add-connection-title">{tx('admin.connection.add')}</h3>
      <div class="grid">
        <div class="field">
          <label for="new-provider">{tx('admin.connection.provider')}</label>
          <select id="new-provider" name="provider">
            {providers.map(({ module }) => (
              <option value={module.name}>{module.label}</option>
            ))}
          </select>
        </div>
        <Field
          id="new-label"
          name="label"
          label={tx('admin.connection.label')}
          placeholder={tx('admin.connection.labelPlaceholder')}
          required
        />
        <Field
          id="new-phone"
          name="senderPhone"
          label={tx('admin.connection.phone')}
          type="tel"
          placeholder="+14155550100"
          required
        />
      </div>
      {providers.map(({ module, form }, i) => (
        <CredentialsFieldset module={module} form={form} hidden={i > 0} tx={tx} />
      ))}
      <button type="submit">{tx('admin.connection.submit')}</button>
      <p id="add-result" class="result" role="status" aria-live="polite"></p>
    </form>
  );
}

export function Builder({ tx }: { tx: Tx }) {
  return (
    <form id="template-builder" aria-labelledby="builder-title">
      <h3 id="builder-title">{tx('admin.builder.title')}</h3>
      <div class="grid">
        <div class="field">
          <label for="builder-connection">{tx('admin.builder.number')}</label>
          <select id="builder-connection"></select>
        </div>
        <Field id="tpl-name" label={tx('admin.builder.name')} placeholder="order_update" />
        <div class="field">
          <label for="tpl-language">{tx('admin.builder.language')}</label>
          <select id="tpl-language" data-languages="">
            <option value="">{tx('admin.builder.choose')}</option>
          </select>
        </div>
        <div class="field">
          <label for="tpl-category">{tx('admin.builder.category')}</label>
          <select id="tpl-category">{categories(tx)}</select>
        </div>
        <div class="field">
          <label for="tpl-header-format">{tx('admin.builder.header')}</label>
          <select id="tpl-header-format">
            <option value="NONE">{tx('admin.builder.header.none')}</option>
            <option value="TEXT">{tx('admin.builder.header.text')}</option>
            <option value="IMAGE">{tx('admin.builder.header.image')}</option>
            <option value="VIDEO">{tx('admin.builder.header.video')}</option>
            <option value="DOCUMENT">{tx('admin.builder.header.document')}</option>
          </select>
        </div>
      </div>
      <div id="tpl-header-text-field" hidden>
        <Field id="tpl-header-text" label={tx('admin.builder.headerText')} />
      </div>
      <div id="tpl-header-media-field" hidden>
        <Field id="tpl-header-media" label={tx('admin.builder.headerMedia')} type="url" />
      </div>
      <div class="field">
        <label for="tpl-body">{tx('admin.builder.body')}</label>
        <textarea id="tpl-body" rows={4} aria-describedby="lint-summary"></textarea>
      </div>
      <Field id="tpl-footer" label={tx('admin.builder.footer')} />
      <fieldset>
        <legend>{tx('admin.builder.buttons')}</legend>
        <div id="tpl-buttons"></div>
        <button type="button" id="add-button" class="secondary">
          {tx('admin.builder.addButton')}
        </button>
      </fieldset>
      <fieldset>
        <legend>{tx('admin.builder.examples')}</legend>
        <div id="tpl-examples"></div>
      </fieldset>
      <h4>{tx('admin.builder.checks')}</h4>
      <p id="lint-summary" aria-live="polite"></p>
      <ul id="lint-findings"></ul>
      <button type="submit" id="submit-template" disabled>
        {tx('admin.builder.submit')}
      </button>
      <p id="submit-result" class="result" role="status" aria-live="polite"></p>
    </form>
  );
}

export function ManualCm({ tx }: { tx: Tx }) {
  return (
    <form id="manual-template" aria-labelledby="manual-title">
      <h3 id="manual-title">{tx('admin.manual.title')}</h3>
      <p class="hint">{tx('admin.manual.hint')}</p>
      <p id="manual-none" class="hint">
        {tx('admin.manual.none')}
      </p>
      <div class="grid">
        <div class="field">
          <label for="manual-connection">{tx('admin.manual.number')}</label>
          <select id="manual-connection"></select>
        </div>
        <Field id="manual-namespace" name="namespace" label={tx('admin.manual.namespace')} required />
        <Field id="manual-element" name="elementName" label={tx('admin.manual.element')} required />
        <div class="field">
          <label for="manual-language">{tx('admin.builder.language')}</label>
          <select id="manual-language" name="language" data-languages="" required>
            <option value="">{tx('admin.builder.choose')}</option>
          </select>
        </div>
        <div class="field">
          <label for="manual-category">{tx('admin.builder.category')}</label>
          <select id="manual-category" name="category">
            {categories(tx)}
          </select>
        </div>
      </div>
      <div class="field">
        <label for="manual-body">{tx('admin.manual.body')}</label>
        <textarea id="manual-body" name="body" rows={3} required></textarea>
      </div>
      <Field id="manual-footer" name="footer" label={tx('admin.manual.footer')} />
      <button type="submit">{tx('admin.manual.submit')}</button>
      <p id="manual-result" class="result" role="status" aria-live="polite"></p>
    </form>
  );
}
