// Types for the axios modules adapters/shared/axios-core.ts assembles (axios's `./unsafe/*` exports, its lib/
// files as published, which carry no types of their own).
declare module 'axios/unsafe/core/Axios.js' {
  const Axios: {
    new (config: object): object;
    prototype: { request(...args: unknown[]): unknown };
  };
  export default Axios;
}
declare module 'axios/unsafe/core/mergeConfig.js' {
  export default function mergeConfig(defaults: object, config: object): object;
}
declare module 'axios/unsafe/defaults/index.js' {
  const defaults: object;
  export default defaults;
}
declare module 'axios/unsafe/helpers/bind.js' {
  export default function bind<F extends (...args: never[]) => unknown>(fn: F, thisArg: object): F;
}
declare module 'axios/unsafe/helpers/isAxiosError.js' {
  import type { AxiosError } from 'axios';
  export default function isAxiosError<T = unknown, D = unknown>(
    payload: unknown,
  ): payload is AxiosError<T, D>;
}
declare module 'axios/unsafe/utils.js' {
  const utils: {
    extend(target: object, source: object, thisArg: object | null, options: { allOwnKeys: boolean }): object;
  };
  export default utils;
}
