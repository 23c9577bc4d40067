// Per-request wiring of platform bindings into stores. Built once per request (cheap; SecretBox cached per key).
import type { Config } from './config';
import { optionalSecret, requireSecret } from './config';
import type { JobQueue } from './platform/queue';
import type { AssetFetcher } from './platform/static-assets';
import type { SendLimiter } from './platform/send-limiter';
import { SecretBox } from './security/secret-box';
import { InstallationStore } from './store/installations';
import { ConnectionStore } from './store/connections';
import { TemplateStore } from './store/templates';
import { ContactStore } from './store/contacts';
import { MessageStore } from './store/messages';
import { EventStore } from './store/events';

/** What the runtime provides: Workers bindings in production, miniflare D1 + memory queue in tests. */
export interface Platform {
  config: Config;
  db: D1Database;
  queue: JobQueue;
  now: () => number;
  limiter: SendLimiter;
  /** Optional hooks (tests, benches): replaces axios' timers or HTTP for adapters. */
  sleep?: (ms: number) => Promise<void>;
  /** Workers Static Assets (env.ASSETS): prerendered pages, catalogues, phone metadata (platform/static-assets.ts). */
  assets?: AssetFetcher;
}

const boxes = new Map<string, Promise<SecretBox>>();

export class AppContext {
  readonly templates: TemplateStore;
  readonly contacts: ContactStore;
  readonly messages: MessageStore;
  readonly events: EventStore;
  private stores?: { installations: InstallationStore; connections: ConnectionStore };

  constructor(readonly platform: Platform) {
    this.templates = new TemplateStore(platform.db);
    this.contacts = new ContactStore(platform.db);
    this.messages = new MessageStore(platform.db);
    this.events = new EventStore(platform.db);
  }

  get config(): Config {
    return this.platform.config;
  }
  get db(): D1Database {
    return this.platform.db;
  }
  get queue(): JobQueue {
    return this.platform.queue;
  }
  now(): number {
    return this.platform.now();
  }
  /**
   * Waits for a paced slot (limiter waits of sends, campaigns and CRM calls). Tests inject `platform.sleep` to move
   * their clock. Timers can fire early by the length of a busy event-loop turn (they count from the loop's cached
   * time); a send before its slot would exceed the provider's cap, so the remainder is waited out.
   */
  async sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    if (this.platform.sleep) return this.platform.sleep(ms);
    const until = this.now() + ms;
    for (let left = ms; left > 0; left = until - this.now())
      await new Promise((resolve) => setTimeout(resolve, left));
  }

  async box(): Promise<SecretBox> {
    const key = requireSecret(this.config, 'ENCRYPTION_KEY');
    // During a rotation (docs/DEPLOY.md) the key before and the key after also open what they sealed.
    const readOnly = [
      optionalSecret(this.config, 'ENCRYPTION_KEY_PREVIOUS'),
      optionalSecret(this.config, 'ENCRYPTION_KEY_NEXT'),
    ].filter((k): k is string => k !== undefined);
    const cacheKey = [key, ...readOnly].join(' ');
    let box = boxes.get(cacheKey);
    if (!box) {
      box = SecretBox.fromBase64Key(key, ...readOnly);
      boxes.set(cacheKey, box);
    }
    return box;
  }

  /** Stores that hold secrets need the encryption key; asking for them fails clearly when it is missing. */
  async secretStores(): Promise<{ installations: InstallationStore; connections: ConnectionStore }> {
    if (!this.stores) {
      const box = await this.box();
      this.stores = {
        installations: new InstallationStore(this.db, box),
        connections: new ConnectionStore(this.db, box),
      };
    }
    return this.stores;
  }
}
