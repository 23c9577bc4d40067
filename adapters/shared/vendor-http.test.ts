import { AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { mayHaveArrived } from './vendor-http';

const withCause = (error: Error, cause: unknown) => Object.assign(error, { cause });

describe('mayHaveArrived: the one lost-answer rule of every vendor adapter', () => {
  it('a timeout, a reset or an unnamed failure may have reached the vendor', () => {
    expect(mayHaveArrived(new AxiosError('timeout of 300ms exceeded', AxiosError.ECONNABORTED))).toBe(true);
    expect(mayHaveArrived(withCause(new AxiosError('x', 'ERR_NETWORK'), { code: 'ECONNRESET' }))).toBe(true);
    expect(mayHaveArrived(new TypeError('fetch failed'))).toBe(true);
    expect(mayHaveArrived('boom')).toBe(true);
  });

  it('a refused connection, a failed lookup, a bad URL or our own cancel proves nothing left', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']) {
      // On the cause (undici), on a plain cause object, or two levels down (fetch → undici → socket).
      expect(mayHaveArrived(withCause(new AxiosError('x', 'ERR_NETWORK'), { code })), code).toBe(false);
      const deep = withCause(
        new AxiosError('x', 'ERR_NETWORK'),
        withCause(new TypeError('fetch failed'), { code }),
      );
      expect(mayHaveArrived(deep), code).toBe(false);
    }
    expect(mayHaveArrived(new AxiosError('canceled', AxiosError.ERR_CANCELED))).toBe(false);
  });
});
