/**
 * The relying party's view of NY.gov: its OpenID Connect configuration, discovered on first use.
 * Lazily, because the development provider answers discovery from this very server, which only
 * listens after the routes are built; and a failed discovery is retried on the next sign-in
 * rather than remembered, so a provider that was briefly down does not need a restart.
 */
import * as client from 'openid-client';

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Plain http is only acceptable for a provider on this machine (the development one). */
export function isLoopbackHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
}

export class OidcClient {
  readonly issuer: string;
  readonly clientId: string;
  private readonly clientSecret: string;
  private discovering: Promise<client.Configuration> | undefined;

  constructor(settings: OidcSettings) {
    this.issuer = settings.issuer;
    this.clientId = settings.clientId;
    this.clientSecret = settings.clientSecret;
  }

  configuration(): Promise<client.Configuration> {
    if (this.discovering === undefined) {
      const issuer = new URL(this.issuer);
      const discovering = client.discovery(
        issuer,
        this.clientId,
        this.clientSecret,
        undefined,
        isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      this.discovering = discovering;
      discovering.catch(() => {
        if (this.discovering === discovering) this.discovering = undefined;
      });
    }
    return this.discovering;
  }
}
