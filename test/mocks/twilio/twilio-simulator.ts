// msw handlers simulating Twilio's Messages API and Content API (also served over HTTP in local mode).
// Bodies follow the spec examples in /work/shared/specs/twilio; errors use Twilio's `{code,message,more_info,status}`.
import { http, HttpResponse } from 'msw';
import type { DefaultBodyType, HttpHandler, StrictRequest } from 'msw';
import { FaultInjector } from '../faults';
import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, hex32, TwilioSimulatorState } from './twilio-state';
import type { SimContent, SimMessage } from './twilio-state';

export interface TwilioSimulatorOptions {
  /** Messages API base (default https://api.twilio.com). */
  baseUrl?: string;
  /** Content API base (default https://content.twilio.com). */
  contentBaseUrl?: string;
  /** Origin written into `next_page_url`; Twilio always writes its real host, which the adapter must rebase. */
  pageUrlOrigin?: string;
  accountSid?: string;
  authToken?: string;
  /** Answer free-form sends to customers without an open session with 63016 (see state.openSession). */
  enforceWindow?: boolean;
  now?: () => number;
  random?: () => number;
}

export interface TwilioSimulator {
  handlers: HttpHandler[];
  state: TwilioSimulatorState;
  faults: FaultInjector;
}

export function twilioError(status: number, code: number, message: string, headers?: Record<string, string>) {
  return HttpResponse.json(
    { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    { status, headers },
  );
}

const E164 = /^\+[1-9]\d{6,14}$/;

// msw hands out DOM requests; the Workers types declare their own Request, hence one alias and one cast.
type MswRequest = StrictRequest<DefaultBodyType>;
type FaultRequest = Parameters<FaultInjector['take']>[0];

export function createTwilioSimulator(options: TwilioSimulatorOptions = {}): TwilioSimulator {
  const apiBase = (options.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const contentBase = (options.contentBaseUrl ?? 'https://content.twilio.com').replace(/\/+$/, '');
  // Same rule as the adapter (twilioMessagingBase): the real host, or the simulator's own base in local mode.
  const messagingBase = apiBase === 'https://api.twilio.com' ? 'https://messaging.twilio.com' : apiBase;
  const pageOrigin = (options.pageUrlOrigin ?? 'https://content.twilio.com').replace(/\/+$/, '');
  const now = options.now ?? (() => Date.now());
  const state = new TwilioSimulatorState(
    options.accountSid ?? DEFAULT_ACCOUNT_SID,
    options.authToken ?? DEFAULT_AUTH_TOKEN,
    now,
  );
  const faults = new FaultInjector(options.random);

  /** Basic auth `AccountSid:AuthToken`; anything else is Twilio's 20003 (401). */
  function unauthorized(request: MswRequest): Response | undefined {
    const header = request.headers.get('authorization') ?? '';
    const decoded = header.startsWith('Basic ') ? atob(header.slice(6)) : '';
    if (decoded === `${state.accountSid}:${state.authToken}`) return undefined;
    return twilioError(401, 20003, 'Authentication Error - invalid username', {
      'WWW-Authenticate': 'Basic realm="Twilio API"',
    });
  }

  /** Fault injection first, then auth: what every handler does before its own work. */
  async function guard(request: MswRequest): Promise<Response | undefined> {
    return (await faults.take(request.clone() as unknown as FaultRequest)) ?? unauthorized(request);
  }

  function notFound(request: MswRequest): Response {
    return twilioError(404, 20404, `The requested resource ${new URL(request.url).pathname} was not found`);
  }

  function messageResource(m: SimMessage) {
    const uri = `/2010-04-01/Accounts/${state.accountSid}/Messages/${m.sid}.json`;
    return {
      account_sid: state.accountSid,
      api_version: '2010-04-01',
      body: m.body ?? '',
      date_created: m.dateCreated,
      date_sent: null,
      date_updated: m.dateCreated,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: String(m.mediaUrls.length),
      num_segments: '1',
      price: null,
      price_unit: null,
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
      to: m.to,
      uri,
    };
  }

  const sendMessage = http.post(
    `${apiBase}/2010-04-01/Accounts/:accountSid/Messages.json`,
    async ({ request, params }) => {
      const denied = await guard(request);
      if (denied) return denied;
      if (params.accountSid !== state.accountSid) return notFound(request);
      const form = new URLSearchParams(await request.text());
      const to = form.get('To');
      if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
      const toNumber = to.replace(/^whatsapp:/, '');
      // `whatsapp:CC.…` (up to 140 characters) addresses a username customer by BSUID (issue 11).
      const bsuid = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/.test(toNumber);
      if (!to.startsWith('whatsapp:') || (!E164.test(toNumber) && !bsuid)) {
        return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
      }
      const from = form.get('From');
      const mg = form.get('MessagingServiceSid');
      if (!from && !mg) return twilioError(400, 21603, "A 'From' phone number is required.");
      const contentSid = form.get('ContentSid');
      const body = form.get('Body');
      const mediaUrls = form.getAll('MediaUrl');
      if (!contentSid && !body && mediaUrls.length === 0)
        return twilioError(400, 21602, 'Message body is required.');

      let contentVariables: Record<string, string> | null = null;
      let content: SimContent | undefined;
      if (contentSid) {
        content = state.content(contentSid);
        if (!content) return twilioError(400, 21655, 'The Content SID is Invalid.');
        const raw = form.get('ContentVariables');
        if (raw !== null) {
          try {
            contentVariables = JSON.parse(raw) as Record<string, string>;
          } catch {
            return twilioError(400, 21656, 'The ContentVariables Parameter is invalid.');
          }
        }
      }
      // Outside the window only approved templates go out (63016, vendors/providers.md §B). Real Twilio reports
      // this asynchronously in a failed status callback; the simulator answers synchronously to keep tests direct.
      const approved = content?.approval_requests.status === 'approved';
      if (options.enforceWindow && !state.openSessions.has(toNumber) && !approved) {
        return twilioError(
          400,
          63016,
          'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
        );
      }
      const message: SimMessage = {
        sid: state.nextMessageSid(),
        to,
        from: from ?? null,
        messagingServiceSid: mg,
        body: body ?? null,
        mediaUrls,
        persistentActions: form.getAll('PersistentAction'),
        contentSid,
        contentVariables,
        statusCallback: form.get('StatusCallback'),
        status: mg ? 'accepted' : 'queued',
        dateCreated: state.rfc2822Now(),
      };
      state.recordMessage(message);
      return HttpResponse.json(messageResource(message), { status: 201 });
    },
  );

  const fetchAccount = http.get(`${apiBase}/2010-04-01/Accounts/:sid`, async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    if (params.sid !== `${state.accountSid}.json`) return notFound(request);
    const uri = `/2010-04-01/Accounts/${state.accountSid}.json`;
    return HttpResponse.json({
      auth_token: state.authToken,
      date_created: 'Thu, 30 Jul 2015 20:00:00 +0000',
      date_updated: 'Thu, 30 Jul 2015 20:00:00 +0000',
      friendly_name: 'wabridge simulator',
      owner_account_sid: state.accountSid,
      sid: state.accountSid,
      status: 'active',
      subresource_uris: { messages: uri.replace(/\.json$/, '/Messages.json') },
      type: 'Full',
      uri,
    });
  });

  // IncomingPhoneNumbers list (twilio_api_v2010.json ListIncomingPhoneNumberResponse), filtered by PhoneNumber.
  const incomingPath = `${apiBase}/2010-04-01/Accounts/:sid/IncomingPhoneNumbers.json`;
  const listIncomingPhoneNumbers = http.get(incomingPath, async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    if (params.sid !== state.accountSid) return notFound(request);
    const url = new URL(request.url);
    const wanted = url.searchParams.get('PhoneNumber');
    const numbers = wanted && E164.test(wanted) && state.ownsPhoneNumber(wanted) ? [wanted] : [];
    const listUri = `/2010-04-01/Accounts/${state.accountSid}/IncomingPhoneNumbers.json`;
    const pageSize = Number(url.searchParams.get('PageSize') ?? 50);
    return HttpResponse.json({
      end: numbers.length ? 0 : -1,
      first_page_uri: `${listUri}?PageSize=${pageSize}&Page=0`,
      next_page_uri: null,
      page: 0,
      page_size: pageSize,
      previous_page_uri: null,
      start: 0,
      uri: `${listUri}${url.search}`,
      incoming_phone_numbers: numbers.map((phone, i) => {
        const sid = `PN${hex32(i + 1)}`;
        return {
          account_sid: state.accountSid,
          api_version: '2010-04-01',
          capabilities: { mms: true, sms: true, voice: true, fax: false },
          date_created: 'Thu, 30 Jul 2015 20:00:00 +0000',
          date_updated: 'Thu, 30 Jul 2015 20:00:00 +0000',
          friendly_name: phone,
          origin: 'twilio',
          phone_number: phone,
          sid,
          status: 'in-use',
          uri: `/2010-04-01/Accounts/${state.accountSid}/IncomingPhoneNumbers/${sid}.json`,
        };
      }),
    });
  });

  // Senders API (messaging.twilio.com, public beta, not in the specs): the account's bring-your-own WhatsApp
  // senders, shape from twilio.com/docs/whatsapp/register-senders-using-api.
  const listWhatsAppSenders = http.get(`${messagingBase}/v2/Channels/Senders`, async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const senders = [...state.whatsAppOnlySenders].map((phone, i) => ({
      sid: `XE${hex32(i + 1)}`,
      sender_id: `whatsapp:${phone}`,
      status: 'ONLINE',
    }));
    return HttpResponse.json({ senders, meta: { page: 0, page_size: 50, next_page_url: null } });
  });

  const listContentAndApprovals = http.get(`${contentBase}/v1/ContentAndApprovals`, async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const q = new URL(request.url).searchParams;
    const pageSize = Number(q.get('PageSize') ?? '50');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      return twilioError(400, 20001, 'PageSize must be between 1 and 1000');
    }
    const page = Number(q.get('Page') ?? '0');
    // PageToken (`PT<start index>`) wins over Page, as Twilio's own tokens do.
    const token = /^PT(\d+)$/.exec(q.get('PageToken') ?? '');
    const start = token ? Number(token[1]) : page * pageSize;
    const contents = state.contents.slice(start, start + pageSize);
    const pageUrl = (p: number, s: number) =>
      `${pageOrigin}/v1/ContentAndApprovals?PageSize=${pageSize}&Page=${p}${s > 0 ? `&PageToken=PT${s}` : ''}`;
    const hasNext = start + pageSize < state.contents.length;
    return HttpResponse.json({
      contents: contents.map(({ ...c }) => c),
      meta: {
        page,
        page_size: pageSize,
        first_page_url: pageUrl(0, 0),
        previous_page_url: page > 0 ? pageUrl(page - 1, Math.max(0, start - pageSize)) : null,
        next_page_url: hasNext ? pageUrl(page + 1, start + pageSize) : null,
        url: pageUrl(page, start),
        key: 'contents',
      },
    });
  });

  const createContent = http.post(`${contentBase}/v1/Content`, async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    let body: {
      friendly_name?: string;
      language?: string;
      variables?: Record<string, string>;
      types?: Record<string, unknown>;
    };
    try {
      body = (await request.json()) as typeof body;
    } catch {
      return twilioError(400, 20001, 'Invalid JSON body');
    }
    if (!body.language)
      return twilioError(400, 20001, 'Missing required parameter language in the post body');
    if (!body.types || Object.keys(body.types).length === 0) {
      return twilioError(400, 20001, 'Missing required parameter types in the post body');
    }
    const content = state.addContent({
      friendly_name: body.friendly_name ?? '',
      language: body.language,
      variables: body.variables ?? {},
      types: body.types,
    });
    const url = `${pageOrigin}/v1/Content/${content.sid}`;
    const { approval_requests: _approval, ...resource } = content;
    return HttpResponse.json(
      {
        ...resource,
        url,
        links: {
          approval_create: `${url}/ApprovalRequests/whatsapp`,
          approval_fetch: `${url}/ApprovalRequests`,
        },
      },
      { status: 201 },
    );
  });

  const createApproval = http.post(
    `${contentBase}/v1/Content/:sid/ApprovalRequests/whatsapp`,
    async ({ request, params }) => {
      const denied = await guard(request);
      if (denied) return denied;
      const content = state.content(String(params.sid));
      if (!content) return notFound(request);
      const body = (await request.json().catch(() => ({}))) as { name?: string; category?: string };
      if (!body.name || !body.category)
        return twilioError(400, 20001, 'Missing required parameter name or category');
      content.approval_requests = {
        name: body.name,
        category: body.category,
        content_type: Object.keys(content.types)[0] ?? '',
        status: 'received',
        rejection_reason: '',
        allow_category_change: true,
      };
      return HttpResponse.json({ ...content.approval_requests }, { status: 201 });
    },
  );

  const fetchApproval = http.get(
    `${contentBase}/v1/Content/:sid/ApprovalRequests`,
    async ({ request, params }) => {
      const denied = await guard(request);
      if (denied) return denied;
      const content = state.content(String(params.sid));
      if (!content) return notFound(request);
      return HttpResponse.json({
        sid: content.sid,
        account_sid: state.accountSid,
        whatsapp: { type: 'whatsapp', ...content.approval_requests },
        url: `${pageOrigin}/v1/Content/${content.sid}/ApprovalRequests`,
      });
    },
  );

  return {
    handlers: [
      sendMessage,
      fetchAccount,
      listIncomingPhoneNumbers,
      listWhatsAppSenders,
      listContentAndApprovals,
      createContent,
      createApproval,
      fetchApproval,
    ],
    state,
    faults,
  };
}
