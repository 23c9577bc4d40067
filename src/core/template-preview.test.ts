import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { escapeHtml, formatWhatsApp, previewTemplate } from './template-preview';
import { makeTemplate } from './__fixtures__/templates';

describe('formatWhatsApp', () => {
  it.each([
    ['*bold*', '<strong>bold</strong>'],
    ['_italic_', '<em>italic</em>'],
    ['~strike~', '<s>strike</s>'],
    ['```mono *not bold*```', '<code>mono *not bold*</code>'],
    ['Hi *Ann*, welcome!', 'Hi <strong>Ann</strong>, welcome!'],
    ['*_both_*', '<strong><em>both</em></strong>'],
    ['a*b*c stays', 'a*b*c stays'],
    ['* not bold *', '* not bold *'],
    ['snake_case_name', 'snake_case_name'],
    ['line 1\nline 2', 'line 1<br>line 2'],
    ['2 * 3 * 4', '2 * 3 * 4'],
  ])('%j → %j', (input, html) => {
    expect(formatWhatsApp(input)).toBe(html);
  });

  it('escapes first, then formats: markup in the text never becomes markup', () => {
    expect(formatWhatsApp('*<script>alert("x")</script>*')).toBe(
      '<strong>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</strong>',
    );
    expect(formatWhatsApp('```<b>&</b>```')).toBe('<code>&lt;b&gt;&amp;&lt;/b&gt;</code>');
  });

  it('property: the output holds no tag other than the formatting ones', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('<', '>', '"', "'", '&', '*', '_', '~', '`', 'a', ' ', '\n') }),
        (text) => {
          const html = formatWhatsApp(text);
          const tags = html.match(/<[^>]*>/g) ?? [];
          for (const tag of tags) expect(tag).toMatch(/^<\/?(strong|em|s|code)>$|^<br>$/);
          expect(html.replace(/<[^>]*>/g, '')).not.toMatch(/[<>"']/);
        },
      ),
    );
  });

  it('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('previewTemplate', () => {
  const t = makeTemplate({
    components: {
      header: { format: 'TEXT', text: 'Order {{1}}', examples: ['A-1'] },
      body: 'Hi *{{1}}*, your order ships {{2}}.',
      footer: 'Reply STOP <to opt out>',
      buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }],
    },
  });

  it('fills values, falls back to examples then placeholders, and formats the body', () => {
    expect(previewTemplate(t, { 'body.1': 'Ann' })).toBe(
      '<div class="wa-preview"><div class="wa-header"><strong>Order A-1</strong></div>' +
        '<div class="wa-body">Hi <strong>Ann</strong>, your order ships {{2}}.</div>' +
        '<div class="wa-footer">Reply STOP &lt;to opt out&gt;</div>' +
        '<ul class="wa-buttons"><li class="wa-button">Stop promotions</li></ul></div>',
    );
  });

  it('escapes values', () => {
    expect(previewTemplate(t, { 'body.1': '<img src=x>', 'body.2': 'today' })).toContain(
      'Hi <strong>&lt;img src=x&gt;</strong>',
    );
  });

  it('marks unfilled placeholders instead of showing examples as if filled (the sidebar before sending)', () => {
    const html = previewTemplate(t, { 'body.1': 'Ann', 'body.2': '   ' }, { unfilled: 'mark' });
    expect(html).toContain('<strong>Order <mark class="wa-missing">{{1}}</mark></strong>');
    expect(html).toContain(
      'Hi <strong>Ann</strong>, your order ships <mark class="wa-missing">{{2}}</mark>.',
    );
    expect(html).not.toContain('A-1');
    // A value cannot forge a mark.
    expect(previewTemplate(t, { 'body.1': '\uE0011\uE002x' }, { unfilled: 'mark' })).toContain(
      '<strong>1x</strong>',
    );
  });
});
