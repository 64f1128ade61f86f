import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A feature's slice of the HTTP API (burst response, permits, …), plugged into createApp.
 * `handle` answers the request and returns true, or returns false when the path is not its own;
 * errors are thrown as HttpError and answered by the app.
 */
export interface ApiModule {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Releases what the module holds (databases, timers) when the server closes. */
  close?(): void;
}
