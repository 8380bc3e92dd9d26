# The Java analytics CLI (`ta`). Build from the repository root:
#   docker build -f docker/analytics.Dockerfile -t thought-anchors-ta .
#   docker run --network host -v "$PWD/out:/out" thought-anchors-ta \
#     receivers --data /data/deepseek-r1-distill-qwen-14b --worker 127.0.0.1:50051 --out /out/receivers

# ECharts for the report page, from the committed lockfile: the report module's jar inlines it.
FROM node:20-slim AS ui
WORKDIR /ui
COPY java-analytics/report/ui/package.json java-analytics/report/ui/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY proto proto
COPY java-analytics java-analytics
COPY --from=ui /ui/node_modules java-analytics/report/ui/node_modules
RUN cd java-analytics && mvn -B -ntp -DskipTests install

FROM eclipse-temurin:17-jre
# the static figures are drawn with Java2D: headless AWT still needs fonts
RUN apt-get update && apt-get install -y --no-install-recommends fontconfig fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /work
COPY --from=build /src/java-analytics/cli/target/cli-0.1.0-SNAPSHOT-all.jar /opt/ta/ta.jar
COPY data/thought-anchors-sample /data
ENTRYPOINT ["java", "-Djava.awt.headless=true", "-jar", "/opt/ta/ta.jar"]
CMD ["--help"]
