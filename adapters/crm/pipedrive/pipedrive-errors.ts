// Pipedrive failures are the shared VendorHttpError (adapters/shared) with vendor 'pipedrive', keeping the vendor's
// raw answer (`{success:false,error,error_info}`) in `raw`.
import { VendorHttpError } from '../../shared/vendor-http-error';
import type { VendorHttpErrorInfo } from '../../shared/vendor-http-error';

export function pipedriveError(message: string, info: VendorHttpErrorInfo): VendorHttpError {
  return new VendorHttpError('pipedrive', message, info);
}
