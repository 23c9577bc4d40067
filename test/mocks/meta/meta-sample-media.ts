// Media the Meta simulator can serve out of the box: one sample per inbound media kind, under the ids the webhook
// builders (meta-webhooks.ts) put in `image.id`, `document.id`, … so any simulated inbound media can be downloaded.

export interface SampleMedia {
  id: string;
  mimeType: string;
  bytes: Uint8Array<ArrayBuffer>;
}

const fromBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const fromText = (text: string) => new TextEncoder().encode(text);

// A real 1×1 JPEG, so local mode shows an actual picture in the CRM.
const JPEG_1X1 =
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////' +
  '////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=';

export const META_SAMPLE_MEDIA = {
  image: { id: '1003383421387256', mimeType: 'image/jpeg', bytes: fromBase64(JPEG_1X1) },
  video: { id: '1003383421387257', mimeType: 'video/mp4', bytes: fromText('simulated mp4 video bytes') },
  audio: {
    id: '1003383421387258',
    mimeType: 'audio/ogg; codecs=opus',
    bytes: fromText('OggS simulated voice note'),
  },
  document: {
    id: '1003383421387259',
    mimeType: 'application/pdf',
    bytes: fromText('%PDF-1.4\n% simulated receipt\n%%EOF\n'),
  },
  sticker: { id: '1003383421387260', mimeType: 'image/webp', bytes: fromText('RIFF simulated webp sticker') },
} satisfies Record<string, SampleMedia>;

export type SampleMediaKind = keyof typeof META_SAMPLE_MEDIA;
