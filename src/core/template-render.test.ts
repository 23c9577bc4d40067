import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { render, checkParameter } from './template-render';
import { makeTemplate } from './__fixtures__/templates';

// Seed 004: "Ciao {{1}}, in relazione al problema che ci hai segnalato, ci dispiace informarti che {{2}}. ..."
const ticket = makeTemplate({
  name: 'ticket_update',
  components: {
    header: { format: 'TEXT', text: 'Ticket {{1}}' },
    body: 'Ciao {{1}}, in relazione al problema che ci hai segnalato, ci dispiace informarti che {{2}}. Ci scusiamo per gli eventuali disagi causati.',
    footer: 'Assistenza clienti',
    buttons: [
      { type: 'URL', text: 'Apri ticket', url: 'https://help.example.com/t/{{1}}' },
      { type: 'PHONE_NUMBER', text: 'Chiama', phoneNumber: '+390212345678' },
      { type: 'COPY_CODE', text: 'Copia codice' },
    ],
  },
});
const valid = {
  'header.1': 'T-42',
  'body.1': 'Giulia',
  'body.2': 'il pezzo arriverà lunedì',
  'button.0.1': 'T-42',
  'button.2.code': 'SCUSA10',
};

describe('render', () => {
  it('fills header, body and buttons', () => {
    const r = render(ticket, valid);
    expect(r).toEqual({
      ok: true,
      rendered: {
        header: { format: 'TEXT', text: 'Ticket T-42' },
        body: 'Ciao Giulia, in relazione al problema che ci hai segnalato, ci dispiace informarti che il pezzo arriverà lunedì. Ci scusiamo per gli eventuali disagi causati.',
        footer: 'Assistenza clienti',
        buttons: [
          { index: 0, type: 'URL', text: 'Apri ticket', url: 'https://help.example.com/t/T-42' },
          { index: 1, type: 'PHONE_NUMBER', text: 'Chiama', phoneNumber: '+390212345678' },
          { index: 2, type: 'COPY_CODE', text: 'Copia codice', code: 'SCUSA10' },
        ],
      },
    });
  });

  it('named variables', () => {
    const t = makeTemplate({
      parameterFormat: 'NAMED',
      components: { body: 'Hi {{first_name}}, see you {{when}}!', buttons: [] },
    });
    const r = render(t, { 'body.first_name': 'Ann', 'body.when': 'Monday' });
    expect(r.ok && r.rendered.body).toBe('Hi Ann, see you Monday!');
  });

  it.each([
    ['missing value', { ...valid, 'body.2': undefined }, 'missing_value', 'body.2'],
    ['extra value', { ...valid, 'body.3': 'x' }, 'unexpected_value', 'body.3'],
    ['empty value', { ...valid, 'body.1': '' }, 'empty_value', 'body.1'],
    ['blank value', { ...valid, 'body.1': '   ' }, 'empty_value', 'body.1'],
    ['newline', { ...valid, 'body.2': 'a\nb' }, 'invalid_characters', 'body.2'],
    ['tab', { ...valid, 'header.1': 'a\tb' }, 'invalid_characters', 'header.1'],
    ['five spaces', { ...valid, 'body.2': 'a     b' }, 'too_many_spaces', 'body.2'],
  ])('%s is refused with a per-variable error', (_label, values, code, variable) => {
    const clean = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    const r = render(ticket, clean);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        expect.objectContaining({ code, variable, message: expect.stringContaining(variable) }),
      ]);
  });

  it('four consecutive spaces are still fine', () => {
    expect(checkParameter('a    b')).toBeNull();
  });

  it('reports every problem at once', () => {
    const r = render(ticket, { 'body.1': '', extra: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors.map((e) => `${e.code}:${e.variable}`).sort()).toEqual([
        'empty_value:body.1',
        'missing_value:body.2',
        'missing_value:button.0.1',
        'missing_value:button.2.code',
        'missing_value:header.1',
        'unexpected_value:extra',
      ]);
  });

  it('refuses a body longer than 1024 characters once filled (Meta 132005)', () => {
    const r = render(ticket, { ...valid, 'body.2': 'x'.repeat(1000) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code: 'too_long', variable: 'body' });
  });

  it('property: valid single-line values always render, and appear in the body', () => {
    const value = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => checkParameter(s) === null);
    fc.assert(
      fc.property(value, value, (a, b) => {
        const r = render(ticket, { ...valid, 'body.1': a, 'body.2': b });
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.rendered.body).toContain(`Ciao ${a}, `);
      }),
    );
  });
});
