import { describe, expect, it } from 'vitest';
import { mapAutomationVariables } from './automation';
import type { TemplateComponents } from './template';

const components = (body: string, header?: string): TemplateComponents =>
  ({
    body,
    buttons: [],
    ...(header ? { header: { format: 'TEXT', text: header } } : {}),
  }) as TemplateComponents;

describe('mapAutomationVariables', () => {
  it('fills the template variables in send order: header first, then the body', () => {
    const { values, extra } = mapAutomationVariables(components('Hi {{1}}, order {{2}}', 'Order {{1}}'), [
      'A-1',
      'Mari',
      'A-1',
    ]);
    expect(values).toEqual({ 'header.1': 'A-1', 'body.1': 'Mari', 'body.2': 'A-1' });
    expect(extra).toBe(0);
  });

  it('named values win by id or bare body key; positional values fill what is left', () => {
    const { values } = mapAutomationVariables(components('Hi {{first_name}}, order {{order}}'), ['#7'], {
      first_name: 'Mari',
    });
    expect(values).toEqual({ 'body.first_name': 'Mari', 'body.order': '#7' });
  });

  it('drops empty trailing fields (unmapped variable_N) and counts real extras', () => {
    expect(mapAutomationVariables(components('Hi {{1}}'), ['Mari', '', ' ']).extra).toBe(0);
    expect(mapAutomationVariables(components('Hi {{1}}'), ['Mari', 'x']).extra).toBe(1);
  });

  it('keeps an unknown name under its own key, for the renderer to refuse', () => {
    expect(mapAutomationVariables(components('Hi {{1}}'), [], { nope: 'x' }).values).toEqual({ nope: 'x' });
  });
});
