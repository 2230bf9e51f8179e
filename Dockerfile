# Minimal, standard image for Fly. ROLE (web | worker) is set per process group.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
RUN npm install --no-audit --no-fund
COPY src ./src
RUN npm run build:console && npm run build

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY src/channels/webchat/widget ./dist/channels/webchat/widget
COPY package.json ./
COPY prisma ./prisma
COPY prompts ./prompts
# run unprivileged (node:24-slim's `node` user, uid 1000); it may write only its data folder
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
CMD ["node", "dist/main.js"]
