import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { matchTemplate, matchTemplates } from './template-match';
import { render, checkParameter } from './template-render';
import { makeTemplate } from './__fixtures__/templates';

// Seed 001: "Ciao {{1}}, vorrei seguire la nostra conversazione precedente. ..."
const followUp = makeTemplate({
  name: 'follow_up',
  components: {
    body: "Ciao {{1}}, vorrei seguire la nostra conversazione precedente. C'è altro con cui hai bisogno di assistenza? Fammi sapere e sarò felice di aiutarti.",
    buttons: [],
  },
});
const ticket = makeTemplate({
  name: 'ticket_update',
  components: {
    body: 'Ciao {{1}}, in relazione al problema che ci hai segnalato, ci dispiace informarti che {{2}}. Ci scusiamo per gli eventuali disagi causati.',
    buttons: [{ type: 'QUICK_REPLY', text: 'Ok' }],
  },
});
const generic = makeTemplate({ name: 'generic', components: { body: 'Ciao {{1}}, {{2}}', buttons: [] } });
const named = makeTemplate({
  name: 'pickup',
  parameterFormat: 'NAMED',
  components: { body: 'Hi {{name}}, order {{order}} is ready. See you, {{name}}!', buttons: [] },
});
const all = [generic, followUp, ticket, named];

describe('matchTemplate', () => {
  it('finds the template whose rendered body is the text, with the values keyed by variable id', () => {
    const text =
      "Ciao Marco, vorrei seguire la nostra conversazione precedente. C'è altro con cui hai bisogno di assistenza? Fammi sapere e sarò felice di aiutarti.";
    const m = matchTemplate(text, all);
    expect(m?.template.name).toBe('follow_up');
    expect(m?.values).toEqual({ 'body.1': 'Marco' });
  });

  it('the most specific template wins (most literal characters)', () => {
    const text =
      'Ciao Anna, in relazione al problema che ci hai segnalato, ci dispiace informarti che il tecnico arriva domani. Ci scusiamo per gli eventuali disagi causati.';
    const matches = matchTemplates(text, all);
    expect(matches.map((m) => m.template.name)).toEqual(['ticket_update', 'generic']);
    expect(matches[0]?.values).toEqual({ 'body.1': 'Anna', 'body.2': 'il tecnico arriva domani' });
  });

  it('a repeated named variable must carry the same value', () => {
    expect(matchTemplate('Hi Ann, order 42 is ready. See you, Ann!', all)?.values).toEqual({
      'body.name': 'Ann',
      'body.order': '42',
    });
    expect(matchTemplate('Hi Ann, order 42 is ready. See you, Bob!', [named])).toBeNull();
  });

  it('tolerates CRLF and surrounding whitespace but not other differences', () => {
    expect(matchTemplate('  Hi Ann, order 42 is ready. See you, Ann!\r\n', [named])).not.toBeNull();
    expect(matchTemplate('Hi Ann, order 42 is ready! See you, Ann!', [named])).toBeNull();
  });

  it('captures never hold a new line (a parameter may not)', () => {
    expect(matchTemplate('Ciao Anna,\nriga due', [generic])).toBeNull();
  });

  it.each([
    [
      'not approved',
      makeTemplate({
        name: 'p',
        status: 'PAUSED',
        components: { body: 'Ciao {{1}}, a presto.', buttons: [] },
      }),
    ],
    [
      'media header',
      makeTemplate({
        name: 'm',
        components: { header: { format: 'IMAGE' }, body: 'Ciao {{1}}, a presto.', buttons: [] },
      }),
    ],
    [
      'header variable',
      makeTemplate({
        name: 'h',
        components: {
          header: { format: 'TEXT', text: 'Hey {{1}}' },
          body: 'Ciao {{1}}, a presto.',
          buttons: [],
        },
      }),
    ],
    [
      'URL button variable',
      makeTemplate({
        name: 'u',
        components: {
          body: 'Ciao {{1}}, a presto.',
          buttons: [{ type: 'URL', text: 'Go', url: 'https://a.example/{{1}}' }],
        },
      }),
    ],
  ])('skips templates it cannot fill from text alone: %s', (_label, template) => {
    expect(matchTemplate('Ciao Anna, a presto.', [template])).toBeNull();
  });

  it('no match → null', () => {
    expect(matchTemplate('Buongiorno!', all)).toBeNull();
  });

  it('stays fast on a template of many variables against a long non-matching text', () => {
    const many = makeTemplate({
      name: 'many',
      components: { body: Array.from({ length: 10 }, (_, i) => `{{${i + 1}}} a`).join(' '), buttons: [] },
    });
    const start = performance.now();
    expect(matchTemplate('x a '.repeat(200) + 'b', [many])).toBeNull();
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('property: rendering a template and matching the result gives the template and values back', () => {
    const value = fc
      .stringMatching(/^[A-Za-z0-9 àè.-]{1,20}$/)
      .filter((s) => checkParameter(s) === null && s === s.trim());
    fc.assert(
      fc.property(value, value, (a, b) => {
        const r = render(ticket, { 'body.1': a, 'body.2': b });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const m = matchTemplate(r.rendered.body, all);
        expect(m?.template.name).toBe('ticket_update');
        const back = render(ticket, m?.values ?? {});
        expect(back.ok && back.rendered.body).toBe(r.rendered.body);
      }),
    );
  });
});
