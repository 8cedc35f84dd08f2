import type { Dispatcher } from 'undici';
import type { PollingConfig } from '../config/config-schema.js';
import { createAddressGuard, createHostGuard } from '../feeds/address-guard.js';
import { createFeedDispatcher } from '../feeds/fetch-feed.js';

export interface FeedDispatchers {
  /** Feeds from the config file: the operator's choice, any address. */
  dispatcher: Dispatcher;
  /** Feeds added from Discord: the connect step refuses private addresses (the SSRF guard). */
  userFeedDispatcher: Dispatcher;
  close(): Promise<void>;
}

/** The two connection pools ingestion uses; keep-alive pays off when many feeds share a host. */
export function createFeedDispatchers(polling: PollingConfig): FeedDispatchers {
  const connectTimeoutMs = polling.connectTimeoutSeconds * 1000;
  const dispatcher = createFeedDispatcher({ connectTimeoutMs });
  const userFeedDispatcher = createFeedDispatcher({
    connectTimeoutMs,
    checkAddress: createAddressGuard(polling.allowPrivateAddresses),
    checkHost: createHostGuard(polling.allowPrivateAddresses),
  });
  return {
    dispatcher,
    userFeedDispatcher,
    // Called when Sancocho stops: a request still open then is abandoned, not waited for.
    close: async () => {
      await Promise.all([dispatcher.destroy(), userFeedDispatcher.destroy()]);
    },
  };
}
