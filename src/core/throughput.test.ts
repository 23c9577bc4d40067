import { describe, expect, it } from 'vitest';
import { COEXISTENCE_MAX_PER_SECOND, effectiveSendRate } from './throughput';

describe('effectiveSendRate (vendors/whatsapp-2026.md §1.5)', () => {
  it('caps a number shared with the WhatsApp Business app at 20 msg/s, never raises a lower rate', () => {
    expect(COEXISTENCE_MAX_PER_SECOND).toBe(20);
    expect(effectiveSendRate(80, true)).toBe(20);
    expect(effectiveSendRate(1000, true)).toBe(20);
    expect(effectiveSendRate(5, true)).toBe(5);
    expect(effectiveSendRate(80, false)).toBe(80);
  });
});
