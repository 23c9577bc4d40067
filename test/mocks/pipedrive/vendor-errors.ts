// Pipedrive's error envelope ({success:false,error,error_info}), as its docs show it for 400 and 404.
import { HttpResponse } from 'msw';

const ERROR_INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

export const notFound = (what: string) =>
  HttpResponse.json(
    { success: false, error: `${what} not found`, error_info: ERROR_INFO, data: null, additional_data: null },
    { status: 404 },
  );

export const badRequest = (error: string) =>
  HttpResponse.json(
    { success: false, error, error_info: ERROR_INFO, data: null, additional_data: null },
    { status: 400 },
  );
