// The "add a number" form comes from the provider registry: one option and one fieldset per module, each field its
// module describes, labelled from the admin catalogue (whose English file is the key type) and secret fields as
// password inputs. The browser flow itself: test/e2e/admin.test.ts.
import { describe, expect, it } from 'vitest';
import { PROVIDER_MODULES } from '../../adapters/providers/registry';
import { ConnectionForm } from './admin-forms';
import { adminEn } from './i18n/admin/en';

const modules = Object.values(PROVIDER_MODULES);
const english = (key: keyof typeof adminEn) => adminEn[key];
// Optional in the type only so a test's fake provider can leave it out; every registered one describes it.
const formOf = (module: (typeof modules)[number]) => {
  expect(module.credentialsForm, `${module.name} describes its credentials form`).toBeDefined();
  return module.credentialsForm!;
};

describe('the connection form over the provider registry', () => {
  it('labels every module’s legend and fields from the admin catalogue', () => {
    for (const module of modules) {
      const form = formOf(module);
      const keys = [form.legendKey, ...form.fields.map((f) => f.labelKey)];
      expect(
        keys.filter((key) => !Object.hasOwn(adminEn, key)),
        module.name,
      ).toEqual([]);
    }
  });

  it('offers every secret field of a module as one of its form fields (they are masked by the same list)', () => {
    for (const module of modules) {
      const names = formOf(module).fields.map((f) => f.name);
      expect(new Set(names).size, module.name).toBe(names.length);
      expect(names, module.name).toEqual(expect.arrayContaining([...module.secretFields]));
    }
  });

  it('renders one option and one fieldset per module, the first one shown, secrets as password inputs', async () => {
    const html = String(await ConnectionForm({ tx: english }).toString());
    const options = [...html.matchAll(/<option value="([^"]+)">([^<]+)<\/option>/g)].map((m) => [m[1], m[2]]);
    expect(options).toEqual(modules.map((m) => [m.name, m.label]));
    modules.forEach((module, i) => {
      const fieldset =
        new RegExp(`<fieldset id="fields-${module.name}"[^>]*>[\\s\\S]*?</fieldset>`).exec(html)?.[0] ?? '';
      expect(fieldset.startsWith(`<fieldset id="fields-${module.name}" hidden`), module.name).toBe(i > 0);
      expect(fieldset).toContain(`<legend>${english(formOf(module).legendKey as never)}</legend>`);
      for (const field of formOf(module).fields) {
        const id = `${module.name}-${field.name}`;
        const type = module.secretFields.includes(field.name) ? 'password' : 'text';
        expect(fieldset).toContain(`<label for="${id}">${english(field.labelKey as never)}</label>`);
        expect(fieldset).toContain(`<input id="${id}" name="cred.${field.name}" type="${type}"`);
      }
    });
  });
});
