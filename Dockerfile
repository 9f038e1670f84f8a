# pgvigil in a container: the release build (scripts/build-agent.sh) on the official Swift image, run on slim
# Debian with only the shared C libraries it does not link in: Kerberos and libldap, which it opens for GSSAPI and
# for an ldap:// line of a service file, and libxcrypt (LGPL; Package.swift says why the rest is linked in). Rebuild with
# `docker build --pull --no-cache` to take Debian's security fixes of the libraries linked in. scripts/check-runtime-image.sh builds
# the same binary and proves it runs with only RUNTIME_PACKAGES' files (CI runs it; no Docker needed).
#
#   docker build -t pgvigil .
#   docker run -p 9432:9432 -e PGVIGIL_DSN="host=db user=pgvigil dbname=postgres" -e PGPASSWORD=... pgvigil
#   docker run -p 9432:9432 -v ./pgvigil.yaml:/etc/pgvigil/pgvigil.yaml:ro -v pgvigil-spool:/var/lib/pgvigil pgvigil

FROM swift:6.3-bookworm AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev postgresql-server-dev-15 zlib1g-dev libyaml-dev libcrypt-dev libsnappy-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a source change does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY scripts/build-agent.sh scripts/link-order.txt ./scripts/
COPY scripts/link ./scripts/link
RUN install -D -m 0755 "$(scripts/build-agent.sh)" /out/pgvigil

FROM debian:bookworm-slim
# The only packages the binary needs (ldd-checked by scripts/check-runtime-image.sh, libldap through a service
# file's ldap:// line, Kerberos through gssencmode=require); curl is for HEALTHCHECK.
ARG RUNTIME_PACKAGES="libgssapi-krb5-2 libldap-2.5-0 libcrypt1 ca-certificates curl"
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ${RUNTIME_PACKAGES} \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 pgvigil \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/pgvigil --shell /usr/sbin/nologin pgvigil \
    && install -d -o pgvigil -g pgvigil -m 0700 /var/lib/pgvigil /var/lib/pgvigil/spool \
    && install -d -m 0755 /etc/pgvigil
COPY --from=build /out/pgvigil /usr/local/bin/pgvigil
COPY examples/pgvigil.yaml /usr/share/doc/pgvigil/pgvigil.yaml

# Configuration: PGVIGIL_DSN (and libpq's PG* variables) for a single target, or a config file
# mounted at /etc/pgvigil/pgvigil.yaml and named by PGVIGIL_CONFIG. The history and the spool
# survive restarts on the volume, the default state_directory.
ENV PGVIGIL_LISTEN=":9432"
# Numeric, so Kubernetes' runAsNonRoot can check it.
USER 10001:10001
WORKDIR /var/lib/pgvigil
VOLUME ["/var/lib/pgvigil"]
EXPOSE 9432
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:9432/healthz"]
ENTRYPOINT ["/usr/local/bin/pgvigil"]
CMD ["run"]
