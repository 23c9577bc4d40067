// axios as `axios.create` builds it, from its own parts (its `./unsafe/*` exports) rather than its package entry:
// the same Axios class, defaults, config merge, interceptors and fetch adapter, without what only the entry adds
// (CancelToken, HttpStatusCode, the default instance and its helpers) — ≈ 1.4 KB of the Worker bundle gzipped
// (issue 13). axios-core.test.ts checks that an instance behaves as one from axios.create.
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';
import Axios from 'axios/unsafe/core/Axios.js';
import mergeConfig from 'axios/unsafe/core/mergeConfig.js';
import defaults from 'axios/unsafe/defaults/index.js';
import bind from 'axios/unsafe/helpers/bind.js';
import isAxiosError from 'axios/unsafe/helpers/isAxiosError.js';
import utils from 'axios/unsafe/utils.js';

export { isAxiosError };

/** axios.create(config): lib/axios.js's createInstance over mergeConfig(defaults, config), without `.create`. */
export function createAxios(config: CreateAxiosDefaults): AxiosInstance {
  const context = new Axios(mergeConfig(defaults, config));
  const instance = bind(Axios.prototype.request, context);
  utils.extend(instance, Axios.prototype, context, { allOwnKeys: true });
  utils.extend(instance, context, null, { allOwnKeys: true });
  return instance as unknown as AxiosInstance;
}
