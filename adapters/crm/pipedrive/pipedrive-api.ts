// Zod schemas of the Pipedrive wire format, nothing else (STYLE.md).
// Shapes from /work/shared/specs/pipedrive/openapi-v1.yaml and openapi-v2.yaml; only the fields we read.
// Pipedrive answers `null` for many "optional" fields the spec types as plain strings/integers, so
// optional reads are `.nullish()`.
import * as z from 'zod';

/** POST https://oauth.pipedrive.com/oauth/token (spec v1 `/oauth/token`, GetTokensResponse). */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  refresh_token: z.string().min(1),
  // Comma list, e.g. "base,deals:full" (vendors/pipedrive.md §1).
  scope: z.string().default(''),
  expires_in: z.number().int().positive(),
  // Always sent since 2020-06-01 (DEV changelog "new parameter in oauth/token responses").
  api_domain: z.url(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** A phone entry of a v2 person (GET/POST /api/v2/persons): label is work|home|mobile|other. */
export const personPhoneSchema = z.object({
  value: z.string(),
  primary: z.boolean().nullish(),
  label: z.string().nullish(),
});
export type PersonPhone = z.infer<typeof personPhoneSchema>;

/** v2 person (UpsertPersonResponse.data). */
export const personSchema = z.object({
  id: z.number().int(),
  name: z.string().nullish(),
  phones: z.array(personPhoneSchema).nullish(),
  is_deleted: z.boolean().nullish(),
});
export type Person = z.infer<typeof personSchema>;

export const personResponseSchema = z.object({ success: z.boolean(), data: personSchema });

/** GET /api/v2/persons/search (GetPersonSearchResponse): phones are plain strings here. */
export const personSearchResponseSchema = z.object({
  success: z.boolean(),
  data: z.object({
    items: z.array(
      z.object({
        result_score: z.number().nullish(),
        item: z.object({
          id: z.number().int(),
          type: z.string().nullish(),
          name: z.string().nullish(),
          phones: z.array(z.string()).nullish(),
        }),
      }),
    ),
  }),
  additional_data: z.object({ next_cursor: z.string().nullish() }).nullish(),
});
export type PersonSearchResponse = z.infer<typeof personSearchResponseSchema>;
export type PersonSearchItem = PersonSearchResponse['data']['items'][number]['item'];

/** POST /api/v2/persons body. `label` is a string in the real API (the spec says boolean: a spec bug), so we omit it. */
export interface CreatePersonBody {
  name: string;
  phones: { value: string; primary: boolean }[];
}

/** v2 deal (UpsertDealResponse.data): we only need the linked person. */
export const dealSchema = z.object({
  id: z.number().int(),
  title: z.string().nullish(),
  person_id: z.number().int().nullish(),
});
export type Deal = z.infer<typeof dealSchema>;
export const dealResponseSchema = z.object({ success: z.boolean(), data: dealSchema });

/** v1 note (UpsertNoteResponse.data). Notes have no v2 endpoint yet, so they stay on /api/v1/notes. */
export const noteSchema = z.object({
  id: z.number().int(),
  content: z.string().nullish(),
  person_id: z.number().int().nullish(),
  deal_id: z.number().int().nullish(),
  add_time: z.string().nullish(),
  update_time: z.string().nullish(),
});
export type Note = z.infer<typeof noteSchema>;
export const noteResponseSchema = z.object({ success: z.boolean(), data: noteSchema });

/** POST /api/v1/notes body (content is HTML; Pipedrive sanitizes it). */
export interface CreateNoteBody {
  content: string;
  person_id?: number;
  deal_id?: number;
}
/** PUT /api/v1/notes/{id} body. */
export interface UpdateNoteBody {
  content: string;
}

/** GET /api/v1/users/me (GetCurrentUserResponse): needs only the `base` scope. */
export const currentUserResponseSchema = z.object({
  success: z.boolean(),
  data: z.object({
    id: z.number().int(),
    name: z.string().nullish(),
    email: z.string().nullish(),
    company_id: z.number().int(),
    company_name: z.string().nullish(),
    company_domain: z.string().nullish(),
  }),
});
export type CurrentUserResponse = z.infer<typeof currentUserResponseSchema>;

/** v1 GET /users/{id}: only what we rely on — whether the user administers the company (spec `UserAccess`). */
export const userResponseSchema = z.object({
  success: z.boolean(),
  data: z.object({
    id: z.number().int(),
    name: z.string().nullish(),
    active_flag: z.boolean().optional(),
    access: z.array(z.object({ app: z.string(), admin: z.boolean().optional() })).default([]),
  }),
});
export type PipedriveUser = z.infer<typeof userResponseSchema>['data'];

/** A company admin: admin of the global app (or of account settings), per the spec's UserAccess entries. */
export function isPipedriveAdmin(user: PipedriveUser): boolean {
  return (
    user.active_flag !== false &&
    user.access.some((a) => a.admin === true && (a.app === 'global' || a.app === 'account_settings'))
  );
}

/** Pipedrive error envelope: `{success:false, error, error_info?, errorCode?}` (spec `unathorizedResponse` et al.). */
export const errorBodySchema = z.object({
  success: z.literal(false).optional(),
  error: z.string().optional(),
  error_info: z.string().nullish(),
  errorCode: z.union([z.number(), z.string()]).nullish(),
});

/** The JWT Pipedrive signs for custom UI extensions (iframe `token` query / SDK GET_SIGNED_TOKEN). */
export const panelJwtClaimsSchema = z.object({
  // Claim names from ONLYOFFICE/onlyoffice-pipedrive PipedriveTokenContext (official docs do not list them).
  userId: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  companyId: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  iat: z.number().optional(),
  exp: z.number(),
});

/** Uninstall: DELETE to the callback URL with this JSON (RD/app-uninstallation). */
export const uninstallBodySchema = z.object({
  client_id: z.string().min(1),
  company_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  user_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  timestamp: z.union([z.string(), z.number()]).transform(String).optional(),
});
export type UninstallBody = z.output<typeof uninstallBodySchema>;
