// The phone numbering metadata for src/core/phone.ts, read from the Worker's static assets (issue 13: ≈ 10 KiB
// gzipped of the bundle): public/data/phone-metadata.json through the ASSETS binding, once per isolate, before any
// handler can parse a number — every request (app.ts), every queue batch and cron run (index.ts). A failed read is
// not remembered (the next event tries again) and is a clear not_configured (503), never an "invalid number".
import { AppError } from '../core/errors';
import { hasPhoneMetadata, setPhoneMetadata } from '../core/phone';
import { fetchAsset, loadOnce, type AssetFetcher } from './static-assets';

const PHONE_METADATA_ASSET = '/data/phone-metadata.json';

const pending = new Map<string, Promise<void>>();

async function read(assets: AssetFetcher): Promise<void> {
  try {
    const res = await fetchAsset(assets, PHONE_METADATA_ASSET);
    if (!res.ok) throw new Error(`ASSETS answered ${res.status}`);
    setPhoneMetadata(await res.json());
  } catch (error) {
    throw new AppError(
      'not_configured',
      `Phone metadata unreadable (${PHONE_METADATA_ASSET}): ${String(error)}`,
    );
  }
}

/** Resolves once src/core/phone.ts has its metadata; rejects with not_configured when it cannot be read. */
export function loadPhoneMetadata(assets: AssetFetcher | undefined): Promise<void> {
  if (hasPhoneMetadata()) return Promise.resolve();
  if (!assets) return Promise.reject(new AppError('not_configured', 'Phone metadata: no ASSETS binding'));
  return loadOnce(pending, 'phone', () => read(assets));
}
