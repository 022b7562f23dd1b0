const addresses = new WeakMap<Request, string>();

/** Remembers the peer a request came from (Request has no socket), for the audit log and sign-in limits. */
export function withClientAddress(request: Request, address: string | undefined): Request {
  if (address) addresses.set(request, address);
  return request;
}

export const clientAddressOf = (request: Request): string | undefined => addresses.get(request);
