# One multi-stage Dockerfile for every app of the solution; the app is a build argument:
#   docker build --build-arg APP=AsyncMcp.Dapr.Server -t asyncmcp-server .
#   (APP = AsyncMcp.Dapr.Server | AsyncMcp.Dapr.Proxy | AsyncMcp.Dapr.Client; docker-compose.yml builds all three)
ARG APP=AsyncMcp.Dapr.Server

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG APP
WORKDIR /repo
# Build settings first (central package versions, analyzers), then the sources of src/ only.
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY src/ src/
RUN dotnet publish "src/${APP}/${APP}.csproj" -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
ARG APP
WORKDIR /app
COPY --from=build /app .
ENV APP_DLL=${APP}.dll \
    ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
# The aspnet image's non-root user.
USER $APP_UID
ENTRYPOINT ["sh", "-c", "exec dotnet \"$APP_DLL\" \"$@\"", "--"]
