import { describe, expect, it } from 'vitest';
import { mediaTypeOf } from './crm-delivery-content';

// HighLevel sends attachments as bare URLs (docs/ProviderOutboundMessage.md): the extension picks the media type.
describe('mediaTypeOf', () => {
  it.each([
    ['https://x.example/a.JPG', 'image'],
    ['https://x.example/a.png?sig=1', 'image'],
    ['https://x.example/clip.mp4', 'video'],
    ['https://x.example/voice.ogg', 'audio'],
    ['https://x.example/s.webp', 'sticker'],
    ['https://x.example/report.pdf', 'document'],
    ['https://x.example/download?id=7', 'document'],
  ])('%s → %s', (url, type) => {
    expect(mediaTypeOf(url)).toBe(type);
  });
});
