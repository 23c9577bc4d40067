import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { detectParameterFormat, extractVariables, findPlaceholders, substitute } from './template-variables';

describe('findPlaceholders', () => {
  it.each([
    ['Ciao {{1}}, ordine {{2}}', ['positional', 'positional']],
    ['Hi {{first_name}}', ['named']],
    ['Hi {{ 1 }}', ['positional']],
    ['Bad {{First Name}} {{$price}}', ['invalid', 'invalid']],
    ['Single {1} braces', []],
  ])('%s', (text, forms) => {
    expect(findPlaceholders(text).map((p) => p.form)).toEqual(forms);
  });
});

describe('extractVariables', () => {
  it('finds header, body and button variables with ids and examples (Meta create-template example)', () => {
    const vars = extractVariables(
      {
        header: { format: 'TEXT', text: 'Order {{1}}', examples: ['A-1'] },
        body: 'Hi {{1}}, your order {{2}} ships on {{3}}. Thanks {{1}}!',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Stop' },
          {
            type: 'URL',
            text: 'Track',
            url: 'https://x.example/track/{{1}}',
            examples: ['https://x.example/track/A-1'],
          },
          { type: 'COPY_CODE', text: 'Copy', example: 'SAVE10' },
        ],
      },
      { 'body.1': 'Mark', 'body.2': 'A-1' },
    );
    expect(vars).toEqual([
      { id: 'header.1', location: 'header', key: '1', example: 'A-1' },
      { id: 'body.1', location: 'body', key: '1', example: 'Mark' },
      { id: 'body.2', location: 'body', key: '2', example: 'A-1' },
      { id: 'body.3', location: 'body', key: '3' },
      {
        id: 'button.1.1',
        location: 'button',
        key: '1',
        buttonIndex: 1,
        example: 'https://x.example/track/A-1',
      },
      { id: 'button.2.code', location: 'button', key: 'code', buttonIndex: 2, example: 'SAVE10' },
    ]);
  });

  it('named variables keep their names', () => {
    const vars = extractVariables({ body: 'Hi {{first_name}}, order {{order_id}} is ready.', buttons: [] });
    expect(vars.map((v) => v.id)).toEqual(['body.first_name', 'body.order_id']);
  });

  it('detects the parameter format', () => {
    expect(detectParameterFormat({ body: 'a {{1}} b', buttons: [] })).toBe('POSITIONAL');
    expect(detectParameterFormat({ body: 'a {{name}} b', buttons: [] })).toBe('NAMED');
    expect(detectParameterFormat({ body: 'a {{1}} {{name}}', buttons: [] })).toBe('mixed');
    expect(detectParameterFormat({ body: 'plain', buttons: [] })).toBe('none');
  });

  it('property: substituting each placeholder by its own text gives the original back', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.integer({ min: 1, max: 9 }).map((n) => `{{${n}}}`),
          ),
        ),
        (parts) => {
          const text = parts.join('');
          expect(substitute(text, (key) => `{{${key}}}`)).toBe(
            text.replace(/\{\{\s*(\d+)\s*\}\}/g, '{{$1}}'),
          );
        },
      ),
    );
  });
});
