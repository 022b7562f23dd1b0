# The image `jarvis compose` builds for the router and every subgraph (`jarvis serve <name>`).
FROM node:24-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund
ENV NODE_ENV=production
EXPOSE 4000
ENTRYPOINT ["node", "cli/bin/jarvis.mjs"]
