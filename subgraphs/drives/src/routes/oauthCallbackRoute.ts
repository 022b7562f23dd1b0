import type { HttpRoute } from '@jarvis/subgraph';
import type { DrivesService } from '../service.ts';

const page = (status: number, title: string, message: string) => {
  const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return new Response(
    `<!doctype html><meta charset="utf-8"><title>${html(title)}</title><h1>${html(title)}</h1><p>${html(message)}</p>`,
    { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } },
  );
};

/**
 * Where Google and Microsoft send the user's browser back after consent. The browser carries
 * no Jarvis credentials: the state, made by connectDrive and good once, is what identifies the
 * consent and its user.
 */
export function oauthCallbackRoute(service: DrivesService): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: '/drives/oauth/callback',
      scope: 'public',
      async handler(request) {
        const outcome = await service.finishConsent(new URL(request.url).searchParams);
        return outcome.ok
          ? page(200, 'Drive connected', `${outcome.message} You can close this tab.`)
          : page(400, 'Drive not connected', outcome.message);
      },
    },
  ];
}
