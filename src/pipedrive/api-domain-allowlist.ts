/**
 * Decides which origins may receive a company's access token. A pattern is
 * an origin in which `*` stands for exactly one DNS label or for the port:
 * `https://*.pipedrive.com` allows `https://acme.pipedrive.com` but not
 * `https://a.b.pipedrive.com` or `https://pipedrive.com.evil.example`.
 */
export class ApiDomainAllowlist {
  private readonly patterns: OriginPattern[];

  constructor(patterns: string[]) {
    this.patterns = patterns.map(parsePattern);
  }

  /** Returns the api_domain as a canonical origin, or null when not allowed. */
  check(apiDomain: string): string | null {
    const origin = parseOrigin(apiDomain);
    if (!origin) {
      return null;
    }
    const allowed = this.patterns.some((pattern) => matches(pattern, origin));

    return allowed ? origin.text : null;
  }
}

interface OriginPattern {
  protocol: string;
  labels: string[];
  port: string;
}

interface ParsedOrigin {
  protocol: string;
  labels: string[];
  port: string;
  text: string;
}

function parsePattern(pattern: string): OriginPattern {
  const match = /^(https?):\/\/([^/:]+)(?::(\d+|\*))?\/?$/.exec(pattern.trim());
  if (!match) {
    throw new Error(
      `Invalid allowlist origin "${pattern}": use scheme://host[:port]`,
    );
  }
  const [, protocol, host, port] = match;

  return {
    protocol,
    labels: host.toLowerCase().split('.'),
    port: port ?? defaultPort(protocol),
  };
}

/** Accepts only a bare origin: no credentials, path, query or fragment. */
function parseOrigin(value: string): ParsedOrigin | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const protocol = url.protocol.replace(/:$/, '');
  const bare =
    (protocol === 'https' || protocol === 'http') &&
    !url.username &&
    !url.password &&
    (url.pathname === '/' || url.pathname === '') &&
    !url.search &&
    !url.hash &&
    !value
      .trim()
      .replace(/^https?:\/\/[^/]+/, '')
      .replace(/^\/$/, '');
  if (!bare) {
    return null;
  }

  return {
    protocol,
    labels: url.hostname.toLowerCase().split('.'),
    port: url.port || defaultPort(protocol),
    text: url.origin,
  };
}

function matches(pattern: OriginPattern, origin: ParsedOrigin): boolean {
  if (pattern.protocol !== origin.protocol) {
    return false;
  }
  if (pattern.port !== '*' && pattern.port !== origin.port) {
    return false;
  }
  if (pattern.labels.length !== origin.labels.length) {
    return false;
  }

  return pattern.labels.every(
    (label, index) =>
      (label === '*' && origin.labels[index] !== '') ||
      label === origin.labels[index],
  );
}

function defaultPort(protocol: string): string {
  return protocol === 'https' ? '443' : '80';
}
