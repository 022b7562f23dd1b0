# The image `jarvis compose` builds for the router and every subgraph (`jarvis serve <name>`).
FROM node:24-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund
ENV NODE_ENV=production
EXPOSE 4000
# The bin's own `#!` flags (cli/bin/jarvis.mjs says why); a container runs node directly.
ENTRYPOINT ["node", "--max-semi-space-size=16", "--liftoff-only", "cli/bin/jarvis.mjs"]
