# One image for the API, the workers and the simulators; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV CHROMIUM_PATH=/usr/bin/chromium NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY . .
# Worker processes load this prebuilt workflow bundle instead of bundling at start.
RUN npm run build:workflows
USER node
CMD ["node", "--import", "tsx", "api/main.ts"]
