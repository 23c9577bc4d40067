// CM.com Business Messaging wire format (zod schemas and request types, nothing else).
// CM.com publishes no OpenAPI spec (vendors/providers.md §C). Shapes come from:
// - developers.cm.com/messaging/docs/responses-errors-json (send response, error codes),
// - developers.cm.com/messaging/docs/incoming-status-report (status report webhook),
// - developers.cm.com/messaging/docs/incoming-messages + whatsapp-inbound (inbound webhook),
// - SDK cmdotcom/text-sdk-dotnet `CM.Text/BusinessMessaging/Model/*` and cmdotcom/text-sdk-php
//   `src/CMText/RichContent/**` (request models).
import * as z from 'zod/mini';
import type { WhatsAppInteractive } from '../whatsapp-interactive';

/** Default gateway; the legacy gw.cmtelecom.com host is only available on request (vendors/providers.md §C). */
export const CM_GATEWAY_BASE_URL = 'https://gw.messaging.cm.com';
export const CM_SEND_PATH = '/v1.0/message';

// ---------------------------------------------------------------------------------------------
// Send request (TypeScript types: we build it, the simulator parses it with the schema below).

/** SDK MediaContent: serialized as mediaName / mediaUri / mimeType (text-sdk-php MediaContent::jsonSerialize). */
export interface CmMediaContent {
  mediaName: string;
  mediaUri: string;
  mimeType: string;
}

/** SDK MessageContext (`context.message_id`): the message a WhatsApp reply quotes. */
export interface CmMessageContext {
  message_id: string;
}

export type CmTemplateParameter =
  | { type: 'text'; text: string }
  | { type: 'payload'; payload: string }
  | { type: 'coupon_code'; coupon_code: string }
  | { type: 'image' | 'video' | 'document'; media: CmMediaContent };

/** text-sdk-php Templates/Whatsapp/Component*: header / body / button (with sub_type and index). */
export interface CmTemplateComponent {
  type: 'header' | 'body' | 'button';
  sub_type?: 'url' | 'quick_reply' | 'copy_code';
  index?: number;
  parameters: CmTemplateParameter[];
}

export interface CmWhatsAppTemplate {
  namespace: string;
  element_name: string;
  language: { policy: 'deterministic'; code: string };
  components: CmTemplateComponent[];
}

/** SDK WhatsAppInteractiveContent: WhatsApp's own interactive object, as Meta's Cloud API sends it. */
export type CmInteractive = WhatsAppInteractive;

export interface CmContact {
  name: { formatted_name: string; first_name?: string; last_name?: string };
  phones?: { phone: string; type?: string }[];
  emails?: { email: string; type?: string }[];
  org?: { company?: string };
}

/** One `richContent.conversation` part (SDK IRichMessage implementations). */
export type CmConversationPart = (
  | { text: string }
  | { text?: string; media: CmMediaContent }
  | { location: { latitude: string; longitude: string; label?: string; searchQuery?: string } }
  | { contacts: CmContact[] }
  | { interactive: CmInteractive }
  | { template: { whatsapp: CmWhatsAppTemplate } }
) & { context?: CmMessageContext };

export interface CmMsg {
  from: string;
  to: { number: string }[];
  body: { type: 'auto'; content: string };
  reference: string;
  allowedChannels: ['WhatsApp'];
  richContent?: { conversation: CmConversationPart[] };
}

export interface CmSendRequest {
  messages: { authentication: { producttoken: string }; msg: CmMsg[] };
}

/** Loose request schema for the simulator: checks the envelope, keeps every part as sent. */
export const cmSendRequestSchema = z.object({
  messages: z.object({
    authentication: z.optional(z.object({ producttoken: z.string() })),
    msg: z.array(
      z.looseObject({
        from: z.string(),
        to: z.array(z.object({ number: z.string() })),
        body: z.optional(z.object({ type: z.optional(z.string()), content: z.optional(z.string()) })),
        reference: z.optional(z.string()),
        allowedChannels: z.optional(z.array(z.string())),
        richContent: z.optional(
          z.looseObject({ conversation: z.optional(z.array(z.record(z.string(), z.unknown()))) }),
        ),
      }),
    ),
  }),
});

// ---------------------------------------------------------------------------------------------
// Send response (developers.cm.com/messaging/docs/responses-errors-json; SDK Response.HttpResponseBody).

export const cmResponseMessageSchema = z.object({
  to: z.nullish(z.string()),
  status: z.string(),
  reference: z.nullish(z.string()),
  parts: z.nullish(z.number()),
  messageDetails: z.nullish(z.string()),
  // The dotnet SDK models it as a string, the docs show a number: accept both.
  messageErrorCode: z.nullish(z.union([z.number(), z.string()])),
});

export const cmResponseSchema = z.object({
  details: z.nullish(z.string()),
  errorCode: z.coerce.number(),
  messages: z.nullish(z.array(cmResponseMessageSchema)),
});

export type CmResponse = z.infer<typeof cmResponseSchema>;
export type CmResponseMessage = z.infer<typeof cmResponseMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Status report webhook (incoming-status-report): `msg` is documented as one object; accept arrays too.

const scalar = z.union([z.string(), z.number()]);

// CM.com's BSUID fields (developers.cm.com/messaging/docs/whatsapp-business-scoped-user-ids, a PREVIEW "subject to
// change"): `userId`, `parentUserId`, `username` next to the status report's `to` and in the MO's `from`, always
// present, empty when they do not apply; `from.number` may then be empty. Not in any spec: written from that page.
const cmUserIdFields = {
  userId: z.nullish(z.string()),
  parentUserId: z.nullish(z.string()),
  username: z.nullish(z.string()),
};

export const cmStatusReportMsgSchema = z.looseObject({
  received: z.nullish(z.string()),
  to: z.nullish(scalar),
  ...cmUserIdFields,
  reference: z.nullish(scalar),
  status: z.looseObject({
    code: z.nullish(scalar),
    errorCode: z.nullish(scalar),
    errorDescription: z.nullish(z.string()),
  }),
  operator: z.nullish(scalar),
  channel: z.nullish(z.string()),
});

export const cmStatusReportSchema = z.object({
  messages: z.object({
    msg: z.union([cmStatusReportMsgSchema, z.array(cmStatusReportMsgSchema)]),
  }),
});

export type CmStatusReportMsg = z.infer<typeof cmStatusReportMsgSchema>;

// ---------------------------------------------------------------------------------------------
// Inbound (MO) webhook (incoming-messages, whatsapp-inbound). Inner names are partly UNCONFIRMED
// (vendors/providers.md §C): the documented ones are typed, everything else is kept loose.

export const cmInboundMediaSchema = z.looseObject({
  mediaUri: z.nullish(z.string()),
  contentType: z.nullish(z.string()),
  title: z.nullish(z.string()),
});

export const cmInboundSchema = z.looseObject({
  reference: z.nullish(scalar),
  from: z.looseObject({ number: z.nullish(scalar), name: z.nullish(z.string()), ...cmUserIdFields }),
  to: z.nullish(z.looseObject({ number: scalar })),
  message: z.looseObject({
    text: z.nullish(z.string()),
    media: z.nullish(cmInboundMediaSchema),
    custom: z.nullish(z.record(z.string(), z.unknown())),
  }),
  groupings: z.nullish(z.array(z.nullish(z.string()))),
  timeUtc: z.nullish(z.string()),
  channel: z.nullish(z.string()),
  messageContext: z.optional(z.unknown()),
});

export type CmInbound = z.infer<typeof cmInboundSchema>;
